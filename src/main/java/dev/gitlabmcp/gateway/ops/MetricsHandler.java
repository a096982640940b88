package dev.gitlabmcp.gateway.ops;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * GET /metrics (Prometheus text) and GET /metrics.json (dashboard summary). Neither body holds a
 * token, user name or session id; whether the routes need authentication is the router's decision.
 */
public final class MetricsHandler {

  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  public static final String JSON_CONTENT_TYPE = "application/json";

  private final GatewayMetrics metrics;
  private final Supplier<JsonObject> configSummary;

  public MetricsHandler(GatewayMetrics metrics, Supplier<JsonObject> configSummary) {
    this.metrics = metrics;
    this.configSummary = configSummary;
  }

  /** Adds both routes; call before any catch-all route. */
  public MetricsHandler mount(Router router) {
    router.get("/metrics").handler(this::prometheus);
    router.get("/metrics.json").handler(this::json);
    return this;
  }

  public void prometheus(RoutingContext ctx) {
    send(ctx, PROMETHEUS_CONTENT_TYPE, metrics.scrape());
  }

  public void json(RoutingContext ctx) {
    send(ctx, JSON_CONTENT_TYPE, metrics.json(configSummary.get()).encode());
  }

  private static void send(RoutingContext ctx, String contentType, String body) {
    ctx.response().setStatusCode(200)
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }
}
