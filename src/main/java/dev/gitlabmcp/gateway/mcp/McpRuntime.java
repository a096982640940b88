package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.Authenticator;
import dev.gitlabmcp.gateway.auth.Authenticators;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.limit.ClientAddress;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import dev.gitlabmcp.gateway.ops.ReadinessCheck;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.Consumer;
import java.util.Objects;

/**
 * What every transport instance shares: configuration, the session store and its events, the MCP
 * method handlers, the configured GitLab instances, how requests authenticate, and the limits.
 *
 * @param authRoutes mounts the sign-in endpoints (OAuth authorization server), or null: the endpoints
 *     clients probe answer how to authenticate instead ({@code NoOAuthRoutes})
 */
public record McpRuntime(GatewayConfig config, SessionStore sessions, SessionEvents events, McpServer server,
                         InstanceDirectory instances, Authenticators authenticators, Authenticator authenticator,
                         RateLimiter sessionLimiter, ClientAddress clientAddress, GatewayMetrics metrics,
                         long startedAtMillis, List<ReadinessCheck> readiness, Drain drain,
                         Consumer<Router> authRoutes) {

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
