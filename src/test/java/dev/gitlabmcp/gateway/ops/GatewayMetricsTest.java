package dev.gitlabmcp.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees at /metrics and /metrics.json. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GatewayMetricsTest {

  private final GatewayMetrics metrics = GatewayMetrics.create();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void should_count_session_lifecycle_and_request_outcomes() {
    metrics.sessionCreated();
    metrics.sessionCreated();
    metrics.sessionExpired();
    metrics.sessionDeleted();
    metrics.requestProcessed();
    metrics.requestProcessed();
    metrics.requestProcessed();
    metrics.rejectedByRateLimit();
    metrics.rejectedByCapacity();
    metrics.rejectedByCapacity();
    metrics.rejectedByIpLimit();

    String scrape = metrics.scrape();
    assertLine(scrape, "mcp_sessions_opened_total 2.0");
    assertLine(scrape, "mcp_sessions_expired_total 1.0");
    assertLine(scrape, "mcp_sessions_deleted_total 1.0");
    assertLine(scrape, "mcp_requests_processed_total 3.0");
    assertLine(scrape, "mcp_requests_rejected_total{reason=\"rate_limit\"} 1.0");
    assertLine(scrape, "mcp_requests_rejected_total{reason=\"capacity\"} 2.0");
    assertLine(scrape, "mcp_requests_rejected_total{reason=\"ip_limit\"} 1.0");

    JsonObject json = metrics.json(new JsonObject());
    assertEquals(2, json.getLong("totalSessions"));
    assertEquals(1, json.getLong("expiredSessions"));
    assertEquals(3, json.getLong("requestsProcessed"));
    assertEquals(1, json.getLong("rejectedByRateLimit"));
    assertEquals(2, json.getLong("rejectedByCapacity"));
  }

  @Test
  void should_count_auth_failures_by_fixed_reason_and_never_echo_caller_input() {
    metrics.authFailure("invalid");
    metrics.authFailure("invalid");
    metrics.authFailure("missing");
    metrics.authFailure("glpat-aaaaaaaaaaaaaaaaaaaa");
    metrics.authFailure(null);

    String scrape = metrics.scrape();
    assertLine(scrape, "mcp_auth_failures_total{reason=\"invalid\"} 2.0");
    assertLine(scrape, "mcp_auth_failures_total{reason=\"missing\"} 1.0");
    assertLine(scrape, "mcp_auth_failures_total{reason=\"format\"} 0.0");
    assertLine(scrape, "mcp_auth_failures_total{reason=\"forbidden\"} 0.0");
    assertLine(scrape, "mcp_auth_failures_total{reason=\"other\"} 2.0");
    assertFalse(scrape.contains("glpat"), "a label must never carry what the caller sent");
    assertEquals(5, metrics.json(new JsonObject()).getLong("authFailures"));
  }

  @Test
  void should_count_tool_calls_by_tool_and_outcome_and_time_them() {
    metrics.bindTools(java.util.List.of("get_project", "list_issues"));

    metrics.toolCall("get_project", GatewayMetrics.ToolOutcome.OK, 40_000_000L);
    metrics.toolCall("get_project", GatewayMetrics.ToolOutcome.OK, 60_000_000L);
    metrics.toolCall("get_project", GatewayMetrics.ToolOutcome.GITLAB_ERROR, 5_000_000L);
    metrics.toolCall("list_issues", GatewayMetrics.ToolOutcome.INVALID_ARGUMENTS, 1_000L);

    String scrape = metrics.scrape();
    assertLine(scrape, "mcp_tool_calls_total{outcome=\"ok\",tool=\"get_project\"} 2.0");
    assertLine(scrape, "mcp_tool_calls_total{outcome=\"gitlab_error\",tool=\"get_project\"} 1.0");
    assertLine(scrape, "mcp_tool_calls_total{outcome=\"busy\",tool=\"get_project\"} 0.0");
    assertLine(scrape, "mcp_tool_calls_total{outcome=\"invalid_arguments\",tool=\"list_issues\"} 1.0");
    assertLine(scrape, "mcp_tool_duration_seconds_count{tool=\"get_project\"} 3");
    assertLine(scrape, "mcp_tool_duration_seconds_bucket{tool=\"get_project\",le=\"0.05\"} 2");
    assertLine(scrape, "mcp_tool_duration_seconds_sum{tool=\"get_project\"} 0.105");
  }

  @Test
  void should_count_tool_names_outside_the_catalog_as_other_so_callers_cannot_add_series() {
    metrics.bindTools(java.util.List.of("get_project"));

    for (int i = 0; i < 50; i++) {
      metrics.toolCall("made_up_" + i, GatewayMetrics.ToolOutcome.REFUSED, 1_000L);
    }
    metrics.toolCall(null, GatewayMetrics.ToolOutcome.REFUSED, 1_000L);

    String scrape = metrics.scrape();
    assertLine(scrape, "mcp_tool_calls_total{outcome=\"refused\",tool=\"other\"} 51.0");
    assertFalse(scrape.contains("made_up_"), "a label must never carry a name the caller made up");
    assertEquals(GatewayMetrics.ToolOutcome.values().length,
        scrape.lines().filter(l -> l.startsWith("mcp_tool_calls_total{")).count(), "one tool's series only");
  }

  @Test
  void should_register_a_tools_series_once_on_its_first_call() {
    metrics.bindTools(java.util.List.of("get_project"));
    metrics.toolCall("get_project", GatewayMetrics.ToolOutcome.OK, 1L);
    metrics.jvmMetersBound().toCompletableFuture().join(); // bound on their own thread, they would count here
    java.util.concurrent.atomic.AtomicInteger added = new java.util.concurrent.atomic.AtomicInteger();
    metrics.registry().config().onMeterAdded(m -> added.incrementAndGet());

    for (int i = 0; i < 1000; i++) {
      metrics.toolCall("get_project", GatewayMetrics.ToolOutcome.values()[i % GatewayMetrics.ToolOutcome.values().length], 1L);
    }

    assertEquals(0, added.get());
    assertLine(metrics.scrape(), "mcp_tool_calls_total{outcome=\"ok\",tool=\"get_project\"} 126.0");
  }

  @Test
  void should_read_session_gauges_from_the_bound_suppliers() {
    assertLine(metrics.scrape(), "mcp_sessions_active 0.0");
    AtomicInteger active = new AtomicInteger(3);
    AtomicInteger authenticated = new AtomicInteger(1);
    metrics.bindSessions(active::get, authenticated::get);
    active.set(7);

    String scrape = metrics.scrape();
    assertLine(scrape, "mcp_sessions_active 7.0");
    assertLine(scrape, "mcp_sessions_authenticated 1.0");
    JsonObject json = metrics.json(new JsonObject());
    assertEquals(7, json.getInteger("activeSessions"));
    assertEquals(1, json.getInteger("authenticatedSessions"));
  }

  @Test
  void should_expose_jvm_and_process_metrics() {
    String scrape = metrics.scrape();
    for (String name : new String[] {"jvm_memory_used_bytes{", "jvm_threads_live_threads", "system_cpu_count",
        "process_uptime_seconds", "jvm_gc_"}) {
      assertTrue(scrape.contains(name), name + " missing");
    }
  }

  @Test
  void should_summarise_as_json_with_exactly_the_documented_keys() {
    JsonObject config = new JsonObject().put("maxSessions", 100).put("readOnly", true);
    JsonObject json = metrics.json(config);

    assertEquals(Set.of("activeSessions", "totalSessions", "expiredSessions", "authFailures", "requestsProcessed",
        "rejectedByRateLimit", "rejectedByCapacity", "authenticatedSessions", "uptime", "memoryUsage", "config"),
        json.fieldNames());
    JsonObject memory = json.getJsonObject("memoryUsage");
    assertEquals(Set.of("heapUsed", "heapTotal", "rss"), memory.fieldNames());
    assertTrue(memory.getLong("heapUsed") > 0 && memory.getLong("heapUsed") <= memory.getLong("heapTotal"));
    assertTrue(memory.getLong("rss") > 0 || memory.getLong("rss") == -1);
    assertTrue(json.getLong("uptime") >= 0);
    assertEquals(config, json.getJsonObject("config"));
  }

  @Test
  void should_read_rss_in_bytes_from_proc_status_or_report_minus_one(@TempDir Path dir) throws Exception {
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tjava\nVmPeak:\t  999999 kB\nVmRSS:\t  123456 kB\nThreads:\t42\n");
    assertEquals(123456L * 1024, GatewayMetrics.rssBytes(status));
    assertEquals(-1, GatewayMetrics.rssBytes(dir.resolve("absent")));
  }

  @Test
  @Timeout(20)
  void should_serve_both_routes_and_record_vertx_http_requests_in_the_same_registry() {
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    try {
      Router router = Router.router(vertx);
      new MetricsHandler(metrics, () -> new JsonObject().put("readOnly", true), JsonObject::new, DetailToken.NONE)
          .mount(router);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      HttpClientAgent client = vertx.createHttpClient();

      Reply json = get(client, server.actualPort(), "/metrics.json");
      assertEquals(200, json.status());
      assertEquals("application/json", json.contentType());
      assertEquals(true, new JsonObject(json.body()).getJsonObject("config").getBoolean("readOnly"));

      Reply text = get(client, server.actualPort(), "/metrics");
      assertEquals(200, text.status());
      assertEquals(MetricsHandler.PROMETHEUS_CONTENT_TYPE, text.contentType());
      String scrape = text.body();
      assertTrue(scrape.contains("mcp_sessions_active "), "gateway meters are served");
      assertTrue(scrape.contains("vertx_http_server_requests_total{code=\"200\",method=\"GET\"}"),
          "the /metrics.json request is counted by Vert.x");
      assertTrue(scrape.contains("vertx_http_client_requests_total{method=\"GET\"}"), "client metrics too");
      assertFalse(scrape.contains("path=\""), "no path label: its values are unbounded");
    } finally {
      vertx.close().await();
    }
  }

  private record Reply(int status, String contentType, String body) {
  }

  private static Reply get(HttpClientAgent client, int port, String path) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(HttpClientRequest::send)
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("Content-Type"), b.toString())))
        .await();
  }

  private static void assertLine(String scrape, String line) {
    assertTrue(scrape.lines().anyMatch(line::equals), () -> "missing line '" + line + "' in:\n" + scrape);
  }
}
