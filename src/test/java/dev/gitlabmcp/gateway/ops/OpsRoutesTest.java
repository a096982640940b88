package dev.gitlabmcp.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /health, /health/live, /health/ready, /metrics and /metrics.json as a probe, an operator and a stranger see them. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(30)
class OpsRoutesTest {

  private static final String TOKEN = "detail-token-0123456789";
  private static final String INTERNAL_URL = "https://gitlab.internal.corp:8443";

  private final GatewayMetrics metrics = GatewayMetrics.create();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicReference<Future<Void>> redis = new AtomicReference<>(Future.succeededFuture());
  private Vertx vertx;
  /** A client of its own, as a monitoring agent would be: the JDK's, not Vert.x's. */
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    metrics.close();
  }

  /** Serves the ops routes with a capacity of 2 sessions, started 1000 s before {@link #now}'s start. */
  private int serve(DetailToken token, List<ReadinessCheck> checks) {
    HealthSources sources = new HealthSources(() -> Future.succeededFuture(active.get()), 2, now.get() - 1_000_000,
        now::get, () -> Future.succeededFuture(new JsonObject().put("corp", new JsonObject().put("status", "healthy")
            .put("url", INTERNAL_URL))), checks);
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, new HealthHandler(vertx, sources, token, Duration.ofMillis(200)),
        new MetricsHandler(metrics, () -> new JsonObject().put("maxSessions", 2),
            () -> new JsonObject().put("gitlabUrl", INTERNAL_URL), token));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  private int serve() {
    return serve(DetailToken.of(TOKEN), List.of(new ReadinessCheck("redis", redis::get)));
  }

  @Test
  void should_keep_the_documented_health_json_and_200_below_capacity() {
    int port = serve();
    active.set(1);

    Reply r = get(port, "/health", null);

    assertEquals(200, r.status());
    JsonObject body = r.json();
    assertEquals(Set.of("status", "activeSessions", "maxSessions", "uptime"), body.fieldNames());
    assertEquals("healthy", body.getString("status"));
    assertEquals(1, body.getInteger("activeSessions"));
    assertEquals(2, body.getInteger("maxSessions"));
    assertEquals(1000, body.getLong("uptime"), "uptime comes from the injected clock");
  }

  @Test
  void should_stay_live_at_capacity_while_health_and_readiness_say_503() {
    int port = serve();
    active.set(2);

    Reply live = get(port, "/health/live", null);
    Reply ready = get(port, "/health/ready", null);
    Reply health = get(port, "/health", null);

    assertEquals(200, live.status(), "a full gateway must not be restarted by its liveness probe");
    assertEquals("alive", live.json().getString("status"));
    assertEquals(503, ready.status());
    assertEquals("not_ready", ready.json().getString("status"));
    assertEquals("at capacity", ready.json().getJsonObject("checks").getString("sessions"));
    assertEquals(503, health.status());
    assertEquals("degraded", health.json().getString("status"));
  }

  @Test
  void should_be_ready_when_below_capacity_and_every_store_answers() {
    int port = serve();

    Reply ready = get(port, "/health/ready", null);

    assertEquals(200, ready.status());
    assertEquals("ready", ready.json().getString("status"));
    assertEquals(new JsonObject().put("sessions", "ok").put("redis", "ok"), ready.json().getJsonObject("checks"));
  }

  @Test
  void should_be_unready_without_the_reason_when_a_store_fails_but_stay_live() {
    int port = serve();
    redis.set(Future.failedFuture("connection refused: redis://:hunter2@10.0.0.7:6379"));

    Reply ready = get(port, "/health/ready", null);
    Reply live = get(port, "/health/live", null);

    assertEquals(503, ready.status());
    assertEquals("failed", ready.json().getJsonObject("checks").getString("redis"));
    assertFalse(ready.body().contains("10.0.0.7") || ready.body().contains("hunter2"), ready.body());
    assertEquals(200, live.status());
  }

  @Test
  void should_count_a_store_that_never_answers_as_timed_out() {
    int port = serve();
    redis.set(Promise.<Void>promise().future());

    Reply ready = get(port, "/health/ready", null);

    assertEquals(503, ready.status());
    assertEquals("timed out", ready.json().getJsonObject("checks").getString("redis"));
  }

  @Test
  void should_refuse_the_detail_view_without_the_token_and_show_no_internal_url() {
    int port = serve();

    Reply none = get(port, "/health?detail=true", null);
    Reply wrong = get(port, "/health?detail=true", "Bearer not-the-token-000000000");

    for (Reply r : List.of(none, wrong)) {
      assertEquals(401, r.status());
      assertEquals("unauthorized", r.json().getString("error"));
      assertTrue(r.json().getString("message").contains("HEALTH_DETAIL_TOKEN"), r.body());
      assertFalse(r.body().contains("gitlab.internal"), r.body());
    }
  }

  @Test
  void should_show_each_instance_with_the_detail_token() {
    int port = serve();

    Reply r = get(port, "/health?detail=true", "Bearer " + TOKEN);

    assertEquals(200, r.status());
    assertEquals("healthy", r.json().getString("status"));
    assertEquals(INTERNAL_URL, r.json().getJsonObject("instances").getJsonObject("corp").getString("url"));
  }

  @Test
  void should_keep_the_detail_view_off_when_no_token_is_configured() {
    int port = serve(DetailToken.NONE, List.of());

    Reply r = get(port, "/health?detail=true", "Bearer ");

    assertEquals(401, r.status());
    assertFalse(r.body().contains("gitlab.internal"), r.body());
    assertEquals(200, get(port, "/health?detail=false", null).status(), "detail=false is the plain view");
  }

  @Test
  void should_serve_the_jvm_series_in_the_first_scrape() {
    int port = serve(); // the JVM meters are bound on their own thread meanwhile: the scrape waits for them

    Reply first = get(port, "/metrics", null);

    assertEquals(200, first.status());
    for (String series : new String[] {"jvm_memory_used_bytes{", "jvm_threads_live_threads", "process_uptime_seconds",
        "system_cpu_count", "mcp_sessions_active"}) {
      assertTrue(first.body().contains(series), () -> series + " missing from the first scrape");
    }
  }

  @Test
  void should_show_the_gitlab_url_in_metrics_json_only_with_the_detail_token() {
    int port = serve();

    Reply anonymous = get(port, "/metrics.json", null);
    Reply operator = get(port, "/metrics.json", "Bearer " + TOKEN);

    assertEquals(200, anonymous.status());
    assertNull(anonymous.json().getJsonObject("config").getString("gitlabUrl"));
    assertEquals(2, anonymous.json().getJsonObject("config").getInteger("maxSessions"));
    assertFalse(anonymous.body().contains("gitlab.internal"), anonymous.body());
    assertEquals(INTERNAL_URL, operator.json().getJsonObject("config").getString("gitlabUrl"));
  }

  @Test
  void should_accept_the_detail_token_in_constant_time_comparison_only_when_equal() {
    DetailToken token = DetailToken.of(TOKEN);

    assertTrue(token.accepts("Bearer " + TOKEN));
    assertTrue(token.accepts("bearer " + TOKEN), "the scheme is case-insensitive");
    assertFalse(token.accepts("Bearer " + TOKEN + "x"));
    assertFalse(token.accepts(TOKEN));
    assertFalse(token.accepts(null));
    assertFalse(DetailToken.of("  ").configured());
    assertFalse(token.toString().contains(TOKEN));
  }

  @Test
  void should_refuse_a_readiness_check_that_would_hide_the_capacity_check() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new HealthSources(() -> Future.succeededFuture(0), 2, 0, now::get, () -> Future.succeededFuture(
            new JsonObject()), List.of(new ReadinessCheck("sessions", redis::get))));

    assertTrue(e.getMessage().contains("'sessions'"), e.getMessage());
  }

  private record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Reply get(int port, String path, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
