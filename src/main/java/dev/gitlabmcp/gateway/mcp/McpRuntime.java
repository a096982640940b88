package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.IdentityVerifier;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import java.util.Objects;

/**
 * What every transport instance shares: configuration, the session store, the MCP method
 * handlers, and who calls act as: the server-side principal, or (remote authorization) the
 * verifier that turns each caller's token into one.
 */
public record McpRuntime(GatewayConfig config, SessionStore sessions, McpServer server, Principal principal,
                         IdentityVerifier verifier, IpLimiter ipLimiter, GatewayMetrics metrics,
                         long startedAtMillis) {

  public McpRuntime {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(metrics, "metrics");
  }
}
