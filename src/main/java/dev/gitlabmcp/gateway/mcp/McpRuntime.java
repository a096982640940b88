package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.IdentityVerifier;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.gitlab.InstanceIntrospector;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import java.util.Objects;

/**
 * What every transport instance shares: configuration, the session store, the MCP method
 * handlers, the configured GitLab instances, and who calls act as: each instance's server-side
 * token, or (remote authorization) the verifier that turns each caller's token into a principal.
 */
public record McpRuntime(GatewayConfig config, SessionStore sessions, McpServer server, InstanceDirectory instances,
                         InstanceIntrospector introspector, IdentityVerifier verifier, IpLimiter ipLimiter,
                         GatewayMetrics metrics, long startedAtMillis) {

  public McpRuntime {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** The instance a session works with: its own, or the default one. */
  public String instanceOf(McpSession session) {
    return instances.boundOrDefault(session == null ? null : session.instance());
  }

  /**
   * Who a call acts as in server-side-token mode: that instance's own token, or anonymous. An
   * instance that was removed acts anonymously (its calls are refused by the registry anyway).
   */
  public Principal serverPrincipal(String instance) {
    GitLabConfig c = instances.get(instance);
    Credential credential = c == null || !c.token().isSet() ? Credential.ANONYMOUS
        : Credential.privateToken(c.token());
    return new Principal(instance, credential, credential.kind() == Credential.Kind.NONE ? "anonymous"
        : "server-token");
  }
}
