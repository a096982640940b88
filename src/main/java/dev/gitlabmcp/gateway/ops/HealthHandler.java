package dev.gitlabmcp.gateway.ops;

import dev.gitlabmcp.gateway.mcp.SessionStore;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /health: 200 "healthy" while the gateway can take new sessions, 503 "degraded" at capacity.
 * Nothing in it is secret; it needs no authentication.
 */
public final class HealthHandler implements Handler<RoutingContext> {

  private final SessionStore sessions;
  private final int maxSessions;
  private final long startedAtMillis;

  public HealthHandler(SessionStore sessions, int maxSessions, long startedAtMillis) {
    this.sessions = sessions;
    this.maxSessions = maxSessions;
    this.startedAtMillis = startedAtMillis;
  }

  @Override
  public void handle(RoutingContext ctx) {
    int active = sessions.size();
    boolean full = active >= maxSessions;
    JsonObject body = new JsonObject()
        .put("status", full ? "degraded" : "healthy")
        .put("activeSessions", active)
        .put("maxSessions", maxSessions)
        .put("uptime", (System.currentTimeMillis() - startedAtMillis) / 1000);
    ctx.response().setStatusCode(full ? 503 : 200)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
