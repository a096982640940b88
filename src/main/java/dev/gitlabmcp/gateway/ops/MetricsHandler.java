package dev.gitlabmcp.gateway.ops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * GET /metrics (Prometheus text) and GET /metrics.json (dashboard summary). Neither body holds a
 * token, user name or session id. The parts of the configuration that name internal addresses (the
 * GitLab URLs) are added to /metrics.json only for a request with the detail token.
 */
public final class MetricsHandler {

  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  public static final String JSON_CONTENT_TYPE = "application/json";

  private final GatewayMetrics metrics;
  private final Supplier<JsonObject> configSummary;
  private final Supplier<JsonObject> configDetail;
  private final DetailToken detailToken;

  /**
   * @param configSummary limits and modes, shown to anyone who reaches /metrics.json
   * @param configDetail  what names internal addresses (e.g. {@code gitlabUrl}), merged into the
   *                      summary only for a request carrying the detail token
   */
  public MetricsHandler(GatewayMetrics metrics, Supplier<JsonObject> configSummary, Supplier<JsonObject> configDetail,
                        DetailToken detailToken) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.configSummary = Objects.requireNonNull(configSummary, "configSummary");
    this.configDetail = Objects.requireNonNull(configDetail, "configDetail");
    this.detailToken = Objects.requireNonNull(detailToken, "detailToken");
  }

  /** Adds both routes; call before any catch-all route. */
  public MetricsHandler mount(Router router) {
    router.get("/metrics").handler(this::prometheus);
    router.get("/metrics.json").handler(this::json);
    return this;
  }

  void prometheus(RoutingContext ctx) {
    CompletableFuture<?> bound = metrics.jvmMetersBound().toCompletableFuture();
    if (bound.isDone()) {
      send(ctx, PROMETHEUS_CONTENT_TYPE, metrics.scrape());
      return;
    }
    // A scrape in the process's first moments: the JVM meters are still being bound, and scrape() would wait.
    Future.fromCompletionStage(bound, ctx.vertx().getOrCreateContext())
        .map(v -> metrics.scrape())
        .onSuccess(body -> send(ctx, PROMETHEUS_CONTENT_TYPE, body))
        .onFailure(ctx::fail);
  }

  void json(RoutingContext ctx) {
    JsonObject config = configSummary.get().copy();
    if (detailToken.accepts(ctx.request().getHeader("Authorization"))) {
      config.mergeIn(configDetail.get());
    }
    send(ctx, JSON_CONTENT_TYPE, metrics.json(config).encode());
  }

  private static void send(RoutingContext ctx, String contentType, String body) {
    ctx.response().setStatusCode(200)
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }
}
