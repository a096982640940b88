package dev.gitlabmcp.gateway.ops;

import dev.gitlabmcp.gateway.Addresses;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /health: 200 "healthy" while the gateway can take new sessions, 503 "degraded" at capacity.
 * GET /health?detail=true adds each GitLab instance: healthy, degraded or down, its limiter, and
 * its version and edition when known. One GitLab being down does not make the gateway unhealthy:
 * it still serves the other instances. Nothing in it is secret; it needs no authentication.
 */
public final class HealthHandler implements Handler<RoutingContext> {

  private static final DeliveryOptions STATUS_TIMEOUT = new DeliveryOptions().setSendTimeout(2_000);

  private final Vertx vertx;
  private final java.util.function.Supplier<io.vertx.core.Future<Integer>> sessions;
  private final int maxSessions;
  private final long startedAtMillis;
  private final InstanceDirectory instances;

  public HealthHandler(Vertx vertx, java.util.function.Supplier<io.vertx.core.Future<Integer>> sessions, int maxSessions, long startedAtMillis,
                       InstanceDirectory instances) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.maxSessions = maxSessions;
    this.startedAtMillis = startedAtMillis;
    this.instances = instances;
  }

  @Override
  public void handle(RoutingContext ctx) {
    sessions.get().otherwise(-1).onSuccess(n -> answer(ctx, n));
  }

  private void answer(RoutingContext ctx, int active) {
    boolean full = active >= maxSessions;
    JsonObject body = new JsonObject()
        .put("status", full ? "degraded" : "healthy")
        .put("activeSessions", active)
        .put("maxSessions", maxSessions)
        .put("uptime", (System.currentTimeMillis() - startedAtMillis) / 1000);
    String detail = ctx.request().getParam("detail");
    if (detail == null || detail.equals("false") || detail.equals("0")) {
      send(ctx, full, body);
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.INSTANCES_STATUS, new JsonObject(), STATUS_TIMEOUT)
        .onComplete(ar -> {
          JsonObject status = ar.succeeded() ? ar.result().body().copy() : new JsonObject();
          JsonObject out = new JsonObject();
          for (var c : instances.all()) {
            JsonObject one = status.getJsonObject(c.name(), new JsonObject().put("status", "unknown"));
            InstanceDirectory.Info info = instances.info(c.name());
            one.put("label", c.label()).put("url", c.baseUrl().toString()).put("default", c.isDefault());
            if (info.version() != null) {
              one.put("version", info.version());
            }
            if (info.enterprise() != null) {
              one.put("edition", info.enterprise() ? "enterprise" : "community");
            }
            out.put(c.name(), one);
          }
          send(ctx, full, body.put("instances", out));
        });
  }

  private static void send(RoutingContext ctx, boolean full, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(full ? 503 : 200)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
