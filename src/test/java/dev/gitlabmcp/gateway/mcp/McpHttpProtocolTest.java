package dev.gitlabmcp.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The Streamable HTTP transport as a client sees it: every status code and JSON-RPC error. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class McpHttpProtocolTest {

  private static WireMockServer gitlab;
  private static TestGateway gateway;
  private static RawMcp mcp;

  @BeforeAll
  static void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    gateway = TestGateway.start(gitlab.baseUrl(), Map.of("server.maxBodyBytes", "4096",
        "server.allowedOrigins", "https://app.example.com"));
    mcp = new RawMcp(gateway.mcpUrl());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    gitlab.stop();
  }

  @BeforeEach
  void reset() {
    gitlab.resetAll();
  }

  private static Map<String, String> with(Map<String, String> base, String k, String v) {
    Map<String, String> m = new java.util.LinkedHashMap<>(base);
    if (v == null) {
      m.remove(k);
    } else {
      m.put(k, v);
    }
    return m;
  }

  private static JsonObject body(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static int rpcCode(HttpResponse<String> r) {
    return body(r).getJsonObject("error").getInteger("code");
  }

  // ---- health ----

  @Test
  void should_answer_health_with_200_and_session_counts() {
    HttpResponse<String> r = new RawMcp(gateway.baseUrl() + "/health").send("GET", Map.of(), null);
    assertEquals(200, r.statusCode());
    JsonObject h = body(r);
    assertEquals("healthy", h.getString("status"));
    assertEquals(1000, h.getInteger("maxSessions"));
    assertNotNull(h.getInteger("activeSessions"));
  }

  @Test
  void should_answer_unknown_paths_with_404_json() {
    HttpResponse<String> r = new RawMcp(gateway.baseUrl() + "/nope").send("GET", Map.of(), null);
    assertEquals(404, r.statusCode());
    assertTrue(body(r).getString("message").contains("/mcp"));
  }

  // ---- initialize and sessions ----

  @Test
  void should_issue_a_visible_ascii_session_id_on_initialize() {
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));
    assertEquals(200, r.statusCode());
    String id = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertTrue(id.matches("[\\x21-\\x7e]{32,}"), id);
    JsonObject result = body(r).getJsonObject("result");
    assertEquals("2025-11-25", result.getString("protocolVersion"));
    assertTrue(result.getJsonObject("capabilities").getJsonObject("tools").getBoolean("listChanged"));
    assertNotNull(result.getJsonObject("capabilities").getJsonObject("logging"));
    assertEquals("gitlab-mcp-gateway", result.getJsonObject("serverInfo").getString("name"));
  }

  @Test
  void should_echo_each_supported_protocol_version() {
    for (String v : List.of("2025-11-25", "2025-06-18", "2025-03-26")) {
      HttpResponse<String> r = mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody(v));
      assertEquals(v, body(r).getJsonObject("result").getString("protocolVersion"));
    }
  }

  @Test
  void should_answer_its_latest_version_to_an_unknown_one() {
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody("2024-11-05"));
    assertEquals(200, r.statusCode());
    assertEquals("2025-11-25", body(r).getJsonObject("result").getString("protocolVersion"));
  }

  @Test
  void should_reject_initialize_without_protocol_version_with_invalid_params() {
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(),
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
    assertEquals(-32602, rpcCode(r));
    assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty());
  }

  @Test
  void should_reject_a_request_without_session_with_400() {
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    assertEquals(400, r.statusCode());
    assertTrue(body(r).getJsonObject("error").getString("message").contains("Mcp-Session-Id"));
  }

  @Test
  void should_reject_unknown_session_with_404() {
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders("0123456789abcdef0123456789abcdef"),
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    assertEquals(404, r.statusCode());
  }

  @Test
  void should_end_the_session_on_delete_and_answer_404_afterwards() {
    String s = mcp.initialize();
    HttpResponse<String> del = mcp.send("DELETE", Map.of("Mcp-Session-Id", s), null);
    assertEquals(204, del.statusCode());
    HttpResponse<String> after = mcp.post(RawMcp.postHeaders(s), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    assertEquals(404, after.statusCode());
    assertEquals(404, mcp.send("DELETE", Map.of("Mcp-Session-Id", s), null).statusCode());
  }

  @Test
  void should_reject_delete_without_session_with_400() {
    assertEquals(400, mcp.send("DELETE", Map.of(), null).statusCode());
  }

  @Test
  void should_answer_other_methods_with_405_and_allow() {
    for (String method : List.of("PUT", "PATCH")) {
      HttpResponse<String> r = mcp.send(method, Map.of("Content-Type", "application/json"), "{}");
      assertEquals(405, r.statusCode(), method);
      assertEquals("GET, POST, DELETE", r.headers().firstValue("Allow").orElse(""));
    }
  }

  // ---- DNS rebinding ----

  @Test
  void should_refuse_a_foreign_host_with_403() {
    HttpResponse<String> r = mcp.post(with(RawMcp.postHeaders(), "Host", "evil.example.com"),
        RawMcp.initializeBody("2025-11-25"));
    assertEquals(403, r.statusCode());
    assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty());
  }

  @Test
  void should_refuse_a_foreign_origin_with_403() {
    HttpResponse<String> r = mcp.post(with(RawMcp.postHeaders(), "Origin", "http://evil.example.com"),
        RawMcp.initializeBody("2025-11-25"));
    assertEquals(403, r.statusCode());
    assertTrue(body(r).getJsonObject("error").getString("message").contains("MCP_ALLOWED_ORIGINS"));
  }

  @Test
  void should_accept_loopback_and_configured_origins() {
    for (String origin : List.of("http://localhost:6274", "http://127.0.0.1:" + gateway.port(),
        "https://app.example.com")) {
      HttpResponse<String> r = mcp.post(with(RawMcp.postHeaders(), "Origin", origin),
          RawMcp.initializeBody("2025-11-25"));
      assertEquals(200, r.statusCode(), origin);
      assertEquals(origin, r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }
  }

  @Test
  void should_answer_cors_preflight_for_an_allowed_origin() {
    HttpResponse<String> r = mcp.send("OPTIONS", Map.of("Origin", "https://app.example.com",
        "Access-Control-Request-Method", "POST"), null);
    assertEquals(204, r.statusCode());
    assertTrue(r.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Mcp-Session-Id"));
  }

  // ---- headers, size ----

  @Test
  void should_require_both_accept_types_with_406() {
    for (String accept : List.of("application/json", "text/event-stream", "text/html")) {
      HttpResponse<String> r = mcp.post(with(RawMcp.postHeaders(), "Accept", accept), RawMcp.initializeBody("2025-11-25"));
      assertEquals(406, r.statusCode(), accept);
    }
    assertEquals(406, mcp.post(with(RawMcp.postHeaders(), "Accept", null), RawMcp.initializeBody("2025-11-25"))
        .statusCode());
  }

  @Test
  void should_require_json_content_type_with_415() {
    HttpResponse<String> r = mcp.post(with(RawMcp.postHeaders(), "Content-Type", "text/plain"),
        RawMcp.initializeBody("2025-11-25"));
    assertEquals(415, r.statusCode());
    HttpResponse<String> ok = mcp.post(with(RawMcp.postHeaders(), "Content-Type", "application/json; charset=utf-8"),
        RawMcp.initializeBody("2025-11-25"));
    assertEquals(200, ok.statusCode());
  }

  @Test
  void should_refuse_a_body_over_the_limit_with_413() {
    String s = mcp.initialize();
    String huge = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(5000) + "\"}}";
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), huge);
    assertEquals(413, r.statusCode());
    assertTrue(body(r).getJsonObject("error").getString("message").contains("4096"));
    // The gateway goes on serving.
    assertEquals(new JsonObject(), mcp.request(mcp.initialize(), "ping", null, 4).getJsonObject("result"));
  }

  @Test
  void should_reject_an_unsupported_protocol_version_header_with_400() {
    String s = mcp.initialize();
    HttpResponse<String> r = mcp.post(with(RawMcp.postHeaders(s), "MCP-Protocol-Version", "1999-01-01"),
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    assertEquals(400, r.statusCode());
    assertTrue(body(r).getJsonObject("error").getString("message").contains("2025-11-25"));
  }

  @Test
  void should_accept_any_supported_version_header_within_a_session() {
    String s = mcp.initialize("2025-11-25");
    HttpResponse<String> r = mcp.post(with(RawMcp.postHeaders(s), "MCP-Protocol-Version", "2025-03-26"),
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    assertEquals(200, r.statusCode());
  }

  // ---- JSON-RPC errors ----

  @Test
  void should_answer_malformed_json_with_parse_error() {
    String s = mcp.initialize();
    for (String bad : List.of("{bad", "", "[1,2", "\"unterminated")) {
      HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), bad);
      assertEquals(400, r.statusCode(), bad);
      assertEquals(-32700, rpcCode(r), bad);
    }
  }

  @Test
  void should_answer_bad_envelopes_with_invalid_request() {
    String s = mcp.initialize();
    for (String bad : List.of("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":42}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"id\":1,\"method\":\"ping\"}",
        "42", "\"ping\"")) {
      HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), bad);
      assertEquals(400, r.statusCode(), bad);
      assertEquals(-32600, rpcCode(r), bad);
    }
  }

  @Test
  void should_refuse_batches_outside_2025_03_26_sessions() {
    String s = mcp.initialize("2025-11-25");
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
    assertEquals(400, r.statusCode());
    assertEquals(-32600, rpcCode(r));
  }

  @Test
  void should_answer_batches_in_2025_03_26_sessions() {
    String s = mcp.initialize("2025-03-26");
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
        + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}]");
    assertEquals(200, r.statusCode());
    JsonArray answers = new JsonArray(r.body());
    assertEquals(2, answers.size());
    assertEquals(new JsonObject(), answers.getJsonObject(0).getJsonObject("result"));
    assertEquals(-32601, answers.getJsonObject(1).getJsonObject("error").getInteger("code"));
    HttpResponse<String> onlyNotes = mcp.post(RawMcp.postHeaders(s),
        "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]");
    assertEquals(202, onlyNotes.statusCode());
  }

  @Test
  void should_answer_an_unknown_method_with_method_not_found() {
    String s = mcp.initialize();
    JsonObject r = mcp.request(s, "resources/list", null, 5);
    assertEquals(-32601, r.getJsonObject("error").getInteger("code"));
    assertEquals(5, r.getInteger("id"));
  }

  @Test
  void should_answer_array_params_with_invalid_params() {
    String s = mcp.initialize();
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s),
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/list\",\"params\":[1]}");
    assertEquals(200, r.statusCode());
    assertEquals(-32602, rpcCode(r));
    assertEquals("a", body(r).getString("id"));
  }

  @Test
  void should_answer_ping_with_an_empty_result() {
    JsonObject r = mcp.request(mcp.initialize(), "ping", null, "p1");
    assertEquals(new JsonObject(), r.getJsonObject("result"));
    assertEquals("p1", r.getString("id"));
  }

  @Test
  void should_accept_notifications_with_202_and_no_body() {
    String s = mcp.initialize();
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s),
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    assertEquals(202, r.statusCode());
    assertEquals("", r.body());
  }

  @Test
  void should_accept_client_responses_with_202() {
    String s = mcp.initialize();
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}");
    assertEquals(202, r.statusCode());
  }

  // ---- tools ----

  @Test
  void should_list_tools_with_descriptions_and_object_schemas() {
    JsonObject r = mcp.request(mcp.initialize(), "tools/list", null, 1).getJsonObject("result");
    JsonArray tools = r.getJsonArray("tools");
    assertTrue(tools.size() >= 6);
    for (Object o : tools) {
      JsonObject t = (JsonObject) o;
      assertFalse(t.getString("description").isBlank(), t.getString("name"));
      assertEquals("object", t.getJsonObject("inputSchema").getString("type"));
      assertFalse(t.encode().contains("__absolute_uri__"), "validator annotations leaked into " + t.getString("name"));
    }
    assertNull(r.getString("nextCursor"));
  }

  @Test
  void should_reject_a_bad_cursor_with_invalid_params() {
    String s = mcp.initialize();
    for (Object cursor : List.of("garbage!!", 42, McpServer.encodeCursor(100_000))) {
      JsonObject r = mcp.request(s, "tools/list", new JsonObject().put("cursor", cursor), 1);
      assertEquals(-32602, r.getJsonObject("error").getInteger("code"), String.valueOf(cursor));
    }
  }

  @Test
  void should_answer_an_unknown_tool_with_invalid_params() {
    JsonObject r = mcp.callTool(mcp.initialize(), "no_such_tool", new JsonObject());
    assertEquals(-32602, r.getJsonObject("error").getInteger("code"));
    assertTrue(r.getJsonObject("error").getString("message").contains("no_such_tool"));
  }

  @Test
  void should_report_schema_violations_as_tool_errors_without_calling_gitlab() {
    String s = mcp.initialize();
    JsonObject r = mcp.callTool(s, "get_issue", new JsonObject().put("project_id", "a/b").put("issue_iid", "abc")
        .put("bogus", true));
    assertTrue(RawMcp.isError(r));
    String text = RawMcp.text(r);
    assertTrue(text.contains("issue_iid"), text);
    assertTrue(text.contains("'bogus' is not an argument of get_issue"), text);
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_refuse_path_traversal_in_arguments_without_calling_gitlab() {
    String s = mcp.initialize();
    for (String project : List.of("..", "group/../admin", "./x", "a%2F..%2Fb")) {
      JsonObject r = mcp.callTool(s, "get_project", new JsonObject().put("project_id", project));
      assertTrue(RawMcp.isError(r), project);
    }
    JsonObject file = mcp.callTool(s, "get_file_contents", new JsonObject().put("project_id", "a/b")
        .put("file_path", "../../etc/passwd"));
    assertTrue(RawMcp.isError(file));
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_turn_gitlab_errors_into_tool_errors_naming_status_and_message() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/group%2Fgone")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"404 Project Not Found\"}")));
    JsonObject r = mcp.callTool(mcp.initialize(), "get_project", new JsonObject().put("project_id", "group/gone"));
    assertTrue(RawMcp.isError(r));
    assertTrue(RawMcp.text(r).contains("404"));
    assertTrue(RawMcp.text(r).contains("404 Project Not Found"));
    assertNull(r.getJsonObject("error"));
  }

  @Test
  void should_stream_log_messages_before_the_result_when_the_client_asked_for_them() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/7")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":7,\"name\":\"seven\"}")));
    String s = mcp.initialize();
    JsonObject bad = mcp.request(s, "logging/setLevel", new JsonObject().put("level", "loud"), 1);
    assertEquals(-32602, bad.getJsonObject("error").getInteger("code"));
    assertEquals(new JsonObject(), mcp.request(s, "logging/setLevel", new JsonObject().put("level", "info"), 2)
        .getJsonObject("result"));
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), new JsonObject().put("jsonrpc", "2.0").put("id", 3)
        .put("method", "tools/call").put("params", new JsonObject().put("name", "get_project")
            .put("arguments", new JsonObject().put("project_id", 7))).encode());
    assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse(""));
    String[] events = r.body().split("\n\n");
    assertTrue(events[0].startsWith("id: ") && events[0].contains("\nretry: "), "priming event: " + events[0]);
    assertTrue(r.body().contains("notifications/message"));
    JsonObject result = RawMcp.lastMessage(r);
    assertEquals(3, result.getInteger("id"));
    assertTrue(RawMcp.text(result).contains("seven"));
  }

  @Test
  void should_send_progress_when_the_call_carries_a_progress_token() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"username\":\"ada\"}")));
    String s = mcp.initialize();
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), new JsonObject().put("jsonrpc", "2.0").put("id", 3)
        .put("method", "tools/call").put("params", new JsonObject().put("name", "get_current_user")
            .put("arguments", new JsonObject()).put("_meta", new JsonObject().put("progressToken", "tok-1"))).encode());
    assertTrue(r.body().contains("\"progressToken\":\"tok-1\""), r.body());
    assertTrue(RawMcp.text(RawMcp.lastMessage(r)).contains("ada"));
  }

  @Test
  void should_cancel_the_gitlab_call_on_notifications_cancelled() throws Exception {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/slow")).willReturn(aResponse().withStatus(200)
        .withFixedDelay(4000).withBody("{\"id\":1}")));
    String s = mcp.initialize();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.mcpUrl())).timeout(Duration.ofSeconds(20));
    RawMcp.postHeaders(s).forEach(b::header);
    long t0 = System.nanoTime();
    CompletableFuture<HttpResponse<String>> pending = http.sendAsync(b.POST(HttpRequest.BodyPublishers.ofString(
        new JsonObject().put("jsonrpc", "2.0").put("id", "slow-1").put("method", "tools/call")
            .put("params", new JsonObject().put("name", "get_project")
                .put("arguments", new JsonObject().put("project_id", "slow"))).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    // Wait until GitLab has the request, then cancel it.
    long deadline = System.currentTimeMillis() + 5000;
    while (gitlab.getAllServeEvents().isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    mcp.post(RawMcp.postHeaders(s), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
        + "\"params\":{\"requestId\":\"slow-1\",\"reason\":\"user\"}}");
    HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(-32800, RawMcp.lastMessage(r).getJsonObject("error").getInteger("code"));
    assertTrue(ms < 3500, "cancelled call still took " + ms + " ms");
  }

  // ---- server-to-client stream ----

  @Test
  void should_open_an_event_stream_on_get_with_a_priming_event() throws Exception {
    String s = mcp.initialize();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest req = HttpRequest.newBuilder(URI.create(gateway.mcpUrl())).header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", s).GET().build();
    HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, r.statusCode());
    assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse(""));
    Iterator<String> lines = r.body().iterator();
    assertTrue(lines.next().startsWith("id: "));
    assertTrue(lines.next().startsWith("retry: "));
    // Ending the session ends its streams.
    assertEquals(204, mcp.send("DELETE", Map.of("Mcp-Session-Id", s), null).statusCode());
    long deadline = System.currentTimeMillis() + 5000;
    while (lines.hasNext() && System.currentTimeMillis() < deadline) {
      lines.next();
    }
    assertFalse(lines.hasNext());
  }

  @Test
  void should_refuse_get_without_event_stream_accept_with_406_and_unknown_session_with_404() {
    String s = mcp.initialize();
    assertEquals(406, mcp.send("GET", Map.of("Accept", "application/json", "Mcp-Session-Id", s), null).statusCode());
    assertEquals(404, mcp.send("GET", Map.of("Accept", "text/event-stream", "Mcp-Session-Id", "nope"), null)
        .statusCode());
    assertEquals(400, mcp.send("GET", Map.of("Accept", "text/event-stream"), null).statusCode());
  }
}
