package dev.gitlabmcp.gateway.ops;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health routes, one question each:
 * <ul>
 *   <li>{@code GET /health/live}: does the process work? 200 whenever the event loop answers. The
 *       Kubernetes liveness probe: failing it restarts the pod, so nothing else decides it.</li>
 *   <li>{@code GET /health/ready}: can this replica take sessions? 503 at capacity or while a store
 *       is unreachable. The readiness probe: failing it only takes the pod out of the Service.</li>
 *   <li>{@code GET /health}: the documented summary {status, activeSessions, maxSessions, uptime}, 200
 *       "healthy" or 503 "degraded" at capacity. With {@code ?detail=true} and the detail token it adds
 *       each GitLab instance (its URL, status, version); without the token that answers 401.</li>
 * </ul>
 * One GitLab being down makes no replica unready: it still serves the other instances.
 */
public final class HealthHandler {

  private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);
  /** How long /health/ready waits for one readiness check before counting it as failed. */
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(2);
  static final String DETAIL_REFUSED = "The detail view shows internal addresses: send 'Authorization: Bearer <token>' "
      + "with HEALTH_DETAIL_TOKEN (or MCP_AUTH_TOKEN when that is unset). Without a token configured it is off.";

  private final Vertx vertx;
  private final HealthSources sources;
  private final DetailToken detailToken;
  private final long checkTimeoutMillis;

  public HealthHandler(Vertx vertx, HealthSources sources, DetailToken detailToken) {
    this(vertx, sources, detailToken, DEFAULT_CHECK_TIMEOUT);
  }

  public HealthHandler(Vertx vertx, HealthSources sources, DetailToken detailToken, Duration checkTimeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.detailToken = Objects.requireNonNull(detailToken, "detailToken");
    this.checkTimeoutMillis = Math.max(1, checkTimeout.toMillis());
  }

  /** Adds /health, /health/live and /health/ready; call before any catch-all route. */
  public HealthHandler mount(Router router) {
    router.get("/health/live").handler(this::live);
    router.get("/health/ready").handler(this::ready);
    router.get("/health").handler(this::summary);
    return this;
  }

  void live(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "alive").put("uptime", sources.uptimeSeconds()));
  }

  void ready(RoutingContext ctx) {
    Context context = vertx.getOrCreateContext();
    List<Future<String>> checks = new ArrayList<>();
    checks.add(within(call(sources.activeSessions()), HealthSources.SESSIONS_CHECK)
        .map(active -> active < sources.maxSessions() ? "ok" : "at capacity")
        .otherwise(HealthHandler::failureWord));
    for (ReadinessCheck check : sources.readiness()) {
      checks.add(within(call(check.check()), check.name()).map(v -> "ok").otherwise(HealthHandler::failureWord));
    }
    Future.join(checks).onComplete(done -> context.runOnContext(v -> {
      JsonObject results = new JsonObject().put(HealthSources.SESSIONS_CHECK, checks.get(0).result());
      for (int i = 0; i < sources.readiness().size(); i++) {
        results.put(sources.readiness().get(i).name(), checks.get(i + 1).result());
      }
      boolean ready = results.stream().allMatch(e -> "ok".equals(e.getValue()));
      send(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "ready" : "not_ready").put("checks", results));
    }));
  }

  void summary(RoutingContext ctx) {
    boolean detail = wantsDetail(ctx.request().getParam("detail"));
    if (detail && !detailToken.accepts(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"gitlab-mcp-gateway health detail\"");
      send(ctx, 401, new JsonObject().put("error", "unauthorized").put("message", DETAIL_REFUSED));
      return;
    }
    Context context = vertx.getOrCreateContext();
    within(call(sources.activeSessions()), HealthSources.SESSIONS_CHECK)
        .otherwise(-1) // the store did not answer: unknown, and not healthy
        .compose(active -> detail ? instances().map(i -> body(active).put("instances", i)) : Future.succeededFuture(body(active)))
        .onComplete(ar -> context.runOnContext(v -> {
          JsonObject body = ar.result();
          send(ctx, "healthy".equals(body.getString("status")) ? 200 : 503, body);
        }));
  }

  private JsonObject body(int active) {
    boolean healthy = active >= 0 && active < sources.maxSessions();
    return new JsonObject()
        .put("status", healthy ? "healthy" : "degraded")
        .put("activeSessions", active)
        .put("maxSessions", sources.maxSessions())
        .put("uptime", sources.uptimeSeconds());
  }

  private Future<JsonObject> instances() {
    return within(call(sources.instanceDetail()), "instances")
        .otherwise(e -> new JsonObject()); // the registry did not answer: no instance shown rather than no answer
  }

  private static boolean wantsDetail(String detail) {
    return detail != null && !detail.equalsIgnoreCase("false") && !detail.equals("0");
  }

  /** A source's future, also when the source throws instead of failing it. */
  private static <T> Future<T> call(java.util.function.Supplier<Future<T>> source) {
    try {
      return Objects.requireNonNull(source.get(), "the source returned no future");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** {@code f}, or a TimeoutException when it has not completed within the check timeout. */
  private <T> Future<T> within(Future<T> f, String name) {
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(checkTimeoutMillis, id -> p.tryFail(new TimeoutException(name + " did not answer within "
        + checkTimeoutMillis + " ms")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future().onFailure(e -> LOG.warn("health_check_failed check={} error={}", name,
        e instanceof TimeoutException ? "timeout" : e.getClass().getSimpleName()));
  }

  private static String failureWord(Throwable e) {
    return e instanceof TimeoutException ? "timed out" : "failed";
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
