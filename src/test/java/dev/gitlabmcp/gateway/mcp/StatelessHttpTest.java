package dev.gitlabmcp.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.gitlabmcp.gateway.testing.Poll;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Protocol 2026-07-28 on /mcp, as a stateless client sees it: one self-describing POST per request. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StatelessHttpTest {

  private static final String V = "2026-07-28";

  @RegisterExtension
  static final WireMockExtension GITLAB = WireMockExtension.newInstance()
      .options(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")).build();
  private static TestGateway gateway;
  private static RawMcp mcp;

  @BeforeAll
  static void startGateway() {
    gateway = TestGateway.start(GITLAB.getRuntimeInfo().getHttpBaseUrl());
    mcp = new RawMcp(gateway.mcpUrl());
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  private static JsonObject meta() {
    return RawMcp.modernMeta();
  }

  /** A public gateway with a server token requires MCP_AUTH_TOKEN (clients send it as a bearer token). */
  private static Map<String, String> bearer(Map<String, String> h) {
    h.put("Authorization", "Bearer mcp-shared-secret-0123456789");
    return h;
  }

  private static Map<String, String> headers(String method) {
    return RawMcp.modernHeaders(method);
  }

  private static String body(Object id, String method, JsonObject params) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", params).encode();
  }

  private static HttpResponse<String> send(Map<String, String> headers, Object id, String method, JsonObject params) {
    return mcp.post(headers, body(id, method, params));
  }

  private static HttpResponse<String> send(Object id, String method, JsonObject params) {
    return send(headers(method), id, method, params);
  }

  private static JsonObject error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error");
  }

  private static void assertRejected(HttpResponse<String> r, int status, int code) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(code, error(r).getInteger("code"), r.body());
  }

  private static void stubProject() {
    GITLAB.stubFor(get(urlPathEqualTo("/api/v4/projects/7")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":7,\"name\":\"seven\"}")));
  }

  private static JsonObject getProject() {
    return new JsonObject().put("name", "get_project").put("arguments", new JsonObject().put("project_id", 7));
  }

  @Test
  void should_answer_server_discover_without_initialize_and_without_a_session() {
    HttpResponse<String> r = send("d-1", "server/discover", new JsonObject().put("_meta", meta()));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty());
    JsonObject body = new JsonObject(r.body());
    assertEquals("d-1", body.getValue("id"));
    JsonObject result = body.getJsonObject("result");
    assertEquals("complete", result.getString("resultType"));
    assertEquals(new JsonArray().add(V).add("2025-11-25").add("2025-06-18").add("2025-03-26"),
        result.getJsonArray("supportedVersions"));
    assertTrue(result.getJsonObject("capabilities").containsKey("tools"));
    assertTrue(result.getJsonObject("capabilities").containsKey("prompts"));
    assertEquals("gitlab-mcp-gateway", result.getJsonObject("_meta")
        .getJsonObject("io.modelcontextprotocol/serverInfo").getString("name"));
    assertTrue(result.getLong("ttlMs") >= 0);
    assertEquals("public", result.getString("cacheScope"));
  }

  @Test
  void should_serve_a_request_whose_meta_omits_client_info() {
    HttpResponse<String> r = send(5, "tools/list", new JsonObject().put("_meta", meta()));
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(new JsonObject(r.body()).getJsonObject("result").getJsonArray("tools").isEmpty());
  }

  @Test
  void should_reject_a_request_without_meta_with_400_and_invalid_params_echoing_its_id() {
    HttpResponse<String> r = send("no-meta", "server/discover", new JsonObject());
    assertEquals(400, r.statusCode());
    assertEquals(-32602, error(r).getInteger("code"));
    assertEquals("no-meta", new JsonObject(r.body()).getValue("id"));
  }

  @Test
  void should_reject_meta_without_client_capabilities_or_protocol_version_with_400_and_invalid_params() {
    JsonObject noCaps = meta();
    noCaps.remove("io.modelcontextprotocol/clientCapabilities");
    HttpResponse<String> r = send(104, "server/discover", new JsonObject().put("_meta", noCaps));
    assertEquals(400, r.statusCode());
    assertEquals(-32602, error(r).getInteger("code"));
    JsonObject noVersion = meta();
    noVersion.remove("io.modelcontextprotocol/protocolVersion");
    r = send(102, "server/discover", new JsonObject().put("_meta", noVersion));
    assertEquals(400, r.statusCode());
    assertEquals(-32602, error(r).getInteger("code"));
    assertEquals(102, new JsonObject(r.body()).getInteger("id"));
  }

  @Test
  void should_reject_a_protocol_version_header_that_differs_from_meta_with_header_mismatch() {
    HttpResponse<String> r = send(302, "server/discover",
        new JsonObject().put("_meta", meta().put("io.modelcontextprotocol/protocolVersion", "v999.0.0")));
    assertRejected(r, 400, -32020);
    assertEquals(302, new JsonObject(r.body()).getInteger("id"));
  }

  @Test
  void should_decide_the_era_from_the_body_when_the_version_header_is_missing() {
    Map<String, String> h = headers("tools/list");
    h.remove("MCP-Protocol-Version");
    HttpResponse<String> r = send(h, 9, "tools/list", new JsonObject().put("_meta", meta()));
    assertRejected(r, 400, -32020);
    assertTrue(error(r).getString("message").contains("MCP-Protocol-Version header is missing"));
  }

  @Test
  void should_reject_a_missing_or_different_mcp_method_header_with_header_mismatch() {
    Map<String, String> h = headers("tools/list");
    h.remove("Mcp-Method");
    HttpResponse<String> r = send(h, 1, "tools/list", new JsonObject().put("_meta", meta()));
    assertRejected(r, 400, -32020);
    r = send(headers("prompts/list"), 2, "tools/list", new JsonObject().put("_meta", meta()));
    assertRejected(r, 400, -32020);
    assertEquals(0, GITLAB.getAllServeEvents().size());
  }

  @Test
  void should_reject_a_tool_call_whose_mcp_name_header_is_missing_or_names_another_tool() {
    JsonObject params = getProject().put("_meta", meta());
    HttpResponse<String> r = send(headers("tools/call"), 1, "tools/call", params);
    assertRejected(r, 400, -32020);
    Map<String, String> h = headers("tools/call");
    h.put("Mcp-Name", "delete_project");
    r = send(h, 2, "tools/call", params);
    assertRejected(r, 400, -32020);
    assertEquals(0, GITLAB.getAllServeEvents().size(), "GitLab must not hear of a mismatched call");
  }

  @Test
  void should_call_a_tool_whose_name_header_is_base64_encoded_answering_json_without_notifications() {
    stubProject();
    Map<String, String> h = headers("tools/call");
    h.put("Mcp-Name", "=?base64?" + Base64.getEncoder().encodeToString("get_project".getBytes(StandardCharsets.UTF_8))
        + "?=");
    HttpResponse<String> r = send(h, 3, "tools/call", getProject().put("_meta", meta()));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        "no log level and no progress token asked for: no stream");
    JsonObject response = new JsonObject(r.body());
    assertTrue(RawMcp.text(response).contains("seven"));
    assertEquals("complete", response.getJsonObject("result").getString("resultType"));
  }

  @Test
  void should_stream_progress_and_logs_on_the_request_stream_only_when_the_request_asks_for_them() {
    stubProject();
    Map<String, String> h = headers("tools/call");
    h.put("Mcp-Name", "get_project");
    JsonObject asked = meta().put("io.modelcontextprotocol/logLevel", "info").put("progressToken", "p-1");
    HttpResponse<String> r = send(h, 4, "tools/call", getProject().put("_meta", asked));
    assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(r.body().contains("notifications/progress"), r.body());
    assertTrue(r.body().contains("notifications/message"), r.body());
    assertFalse(r.body().contains("list_changed"));
    JsonObject last = RawMcp.lastMessage(r);
    assertEquals(4, last.getInteger("id"));
    assertTrue(RawMcp.text(last).contains("seven"));
  }

  @Test
  void should_reject_an_unsupported_version_with_400_listing_the_supported_ones() {
    Map<String, String> h = headers("server/discover");
    h.put("MCP-Protocol-Version", "v999.0.0");
    HttpResponse<String> r = send(h, 301, "server/discover",
        new JsonObject().put("_meta", meta().put("io.modelcontextprotocol/protocolVersion", "v999.0.0")));
    assertEquals(400, r.statusCode());
    JsonObject error = error(r);
    assertEquals(-32022, error.getInteger("code"));
    assertTrue(error.getJsonObject("data").getJsonArray("supported").contains(V));
    assertEquals("v999.0.0", error.getJsonObject("data").getString("requested"));
    assertEquals(301, new JsonObject(r.body()).getInteger("id"));
  }

  @Test
  void should_answer_methods_removed_in_this_revision_with_404_and_method_not_found() {
    for (String method : new String[] {"initialize", "ping", "logging/setLevel", "resources/subscribe",
        "resources/unsubscribe", "unknown/method"}) {
      HttpResponse<String> r = send(500, method, new JsonObject().put("_meta", meta()));
      assertEquals(404, r.statusCode(), method);
      assertEquals(-32601, error(r).getInteger("code"), method);
      assertEquals(500, new JsonObject(r.body()).getInteger("id"), method);
      assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty(), method);
    }
  }

  @Test
  void should_answer_get_and_delete_with_405_in_this_revision() {
    for (String method : new String[] {"GET", "DELETE"}) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Accept", "text/event-stream");
      h.put("MCP-Protocol-Version", V);
      h.put("Mcp-Session-Id", "whatever");
      HttpResponse<String> r = mcp.send(method, h, null);
      assertEquals(405, r.statusCode(), method);
      assertEquals("POST", r.headers().firstValue("Allow").orElse(""), method);
    }
  }

  @Test
  void should_ignore_a_session_id_the_gateway_never_issued() {
    Map<String, String> h = headers("tools/list");
    h.put("Mcp-Session-Id", "not-a-session-of-this-replica");
    HttpResponse<String> r = send(h, 6, "tools/list", new JsonObject().put("_meta", meta()));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty());
  }

  @Test
  void should_mark_lists_private_with_a_time_to_live_and_leave_2025_sessions_unchanged() {
    for (String method : new String[] {"tools/list", "prompts/list"}) {
      JsonObject result = new JsonObject(send(7, method, new JsonObject().put("_meta", meta())).body())
          .getJsonObject("result");
      assertEquals("private", result.getString("cacheScope"), method);
      assertTrue(result.getLong("ttlMs") >= 0, method);
      assertEquals("complete", result.getString("resultType"), method);
    }
    JsonObject legacy = mcp.request(mcp.initialize(), "prompts/list", null, 8).getJsonObject("result");
    assertNull(legacy.getValue("resultType"));
    assertNull(legacy.getValue("cacheScope"));
  }

  @Test
  void should_answer_on_a_replica_that_never_saw_the_client_and_hold_the_per_minute_limit_per_caller() {
    try (TestGateway shared = TestGateway.start(GITLAB.getRuntimeInfo().getHttpBaseUrl(),
        Map.of("server.publicUrl", "https://mcp.example.com", "mcp.maxRequestsPerMinute", "2",
            "auth.mcpToken", "mcp-shared-secret-0123456789"))) {
      RawMcp other = new RawMcp(shared.mcpUrl());
      JsonObject params = new JsonObject().put("_meta", meta());
      assertEquals(200, other.post(bearer(headers("tools/list")), body(1, "tools/list", params)).statusCode());
      assertEquals(200, other.post(bearer(headers("prompts/list")), body(2, "prompts/list", params)).statusCode());
      HttpResponse<String> refused = other.post(bearer(headers("tools/list")), body(3, "tools/list", params));
      assertEquals(429, refused.statusCode(), "2 a minute on a shared gateway, though no session counts them");
      assertEquals("0", refused.headers().firstValue("RateLimit-Remaining").orElse(""));
    }
  }

  @Test
  void should_cancel_the_gitlab_call_when_the_client_closes_the_response_stream() throws Exception {
    GITLAB.stubFor(get(urlPathEqualTo("/api/v4/projects/9")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":9}").withFixedDelay(10_000)));
    Map<String, String> h = headers("tools/call");
    h.put("Mcp-Name", "get_project");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.mcpUrl()))
        .POST(HttpRequest.BodyPublishers.ofString(body(11, "tools/call", new JsonObject().put("name", "get_project")
            .put("arguments", new JsonObject().put("project_id", 9)).put("_meta", meta()))));
    h.forEach(request::header);
    CompletableFuture<HttpResponse<String>> call = HttpClient.newHttpClient()
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    Poll.until(() -> !GITLAB.findAll(getRequestedFor(urlPathEqualTo("/api/v4/projects/9"))).isEmpty(),
        "GitLab heard of the call");
    call.cancel(true); // the client goes away: its connection closes
    RawMcp metrics = new RawMcp(gateway.baseUrl() + "/metrics");
    Poll.until(() -> metrics.send("GET", Map.of(), null).body()
        .contains("gitlab_requests_total{gitlab_instance=\"default\",status=\"cancelled\"} 1.0"),
        "the read was cancelled, not left to run for 10 s");
  }

  @Test
  void should_never_negotiate_the_stateless_revision_in_initialize() {
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody(V));
    assertEquals(200, r.statusCode());
    assertEquals("2025-11-25", new JsonObject(r.body()).getJsonObject("result").getString("protocolVersion"));
  }
}
