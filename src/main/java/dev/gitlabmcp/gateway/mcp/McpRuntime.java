package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.Authenticator;
import dev.gitlabmcp.gateway.auth.Authenticators;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.limit.ClientAddress;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import dev.gitlabmcp.gateway.ops.ReadinessCheck;
import java.util.List;
import java.util.Objects;

/**
 * What every transport instance shares: configuration, the session store and its events, the MCP
 * method handlers, the configured GitLab instances, how requests authenticate, and the limits.
 */
public record McpRuntime(GatewayConfig config, SessionStore sessions, SessionEvents events, McpServer server,
                         InstanceDirectory instances, Authenticators authenticators, Authenticator authenticator,
                         RateLimiter sessionLimiter, ClientAddress clientAddress, GatewayMetrics metrics,
                         long startedAtMillis, List<ReadinessCheck> readiness, Drain drain) {

  public McpRuntime {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(metrics, "metrics");
    readiness = readiness == null ? List.of() : List.copyOf(readiness);
  }

  /** The instance a session works with: its own, or the default one. */
  public String instanceOf(SessionState session) {
    return instances.boundOrDefault(session == null ? null : session.instance());
  }
}
