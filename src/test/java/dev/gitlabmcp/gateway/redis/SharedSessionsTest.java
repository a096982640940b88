package dev.gitlabmcp.gateway.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Two replicas sharing one Redis: any replica serves any request of any session. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SharedSessionsTest {

  private static final String TOKEN = "mcp-shared-secret-0123456789";
  private static WireMockServer gitlab;
  private TestGateway a;
  private TestGateway b;

  @BeforeAll
  static void startGitLab() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
  }

  @AfterAll
  static void stopGitLab() {
    gitlab.stop();
  }

  @AfterEach
  void stopReplicas() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private void replicas(String redisUrl, Map<String, String> extra) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("store.redisUrl", redisUrl);
    s.put("store.redisKeyPrefix", TestRedis.freshPrefix());
    s.put("server.publicUrl", "https://mcp.example.com"); // a shared gateway: per-session limits apply
    s.put("auth.mcpToken", TOKEN);
    s.putAll(extra);
    a = TestGateway.start(gitlab.baseUrl(), s);
    b = TestGateway.start(gitlab.baseUrl(), s);
  }

  private static Map<String, String> h(String session) {
    Map<String, String> m = session == null ? RawMcp.postHeaders() : RawMcp.postHeaders(session);
    m.put("Authorization", "Bearer " + TOKEN);
    return m;
  }

  private static String init(RawMcp mcp) {
    HttpResponse<String> r = mcp.post(h(null), RawMcp.initializeBody("2025-11-25"));
    assertEquals(200, r.statusCode(), r.body());
    return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  private static String rpc(int id, String method, JsonObject params) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", params).encode();
  }

  @Test
  void should_serve_a_session_and_its_changes_on_any_replica() {
    replicas(TestRedis.get().url(), Map.of("mcp.maxRequestsPerMinute", "1000"));
    RawMcp onA = new RawMcp(a.mcpUrl());
    RawMcp onB = new RawMcp(b.mcpUrl());
    String s = init(onA);
    assertEquals(200, onB.post(h(s), rpc(1, "ping", new JsonObject())).statusCode());
    int before = RawMcp.lastMessage(onA.post(h(s), rpc(2, "tools/list", new JsonObject())))
        .getJsonObject("result").getJsonArray("tools").size();
    HttpResponse<String> discover = onB.post(h(s), rpc(3, "tools/call", new JsonObject().put("name", "discover_tools")
        .put("arguments", new JsonObject().put("enable", new io.vertx.core.json.JsonArray().add("wiki")))));
    assertEquals(200, discover.statusCode(), discover.body());
    int after = RawMcp.lastMessage(onA.post(h(s), rpc(4, "tools/list", new JsonObject())))
        .getJsonObject("result").getJsonArray("tools").size();
    assertTrue(after > before, "toolsets enabled on B are seen on A: " + before + " -> " + after);
  }

  @Test
  void should_end_a_session_and_its_stream_everywhere_with_one_delete() throws Exception {
    replicas(TestRedis.get().url(), Map.of("mcp.maxRequestsPerMinute", "1000"));
    RawMcp onA = new RawMcp(a.mcpUrl());
    String s = init(onA);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(a.mcpUrl())).GET()
        .header("Accept", "text/event-stream").header("Mcp-Session-Id", s).header("Authorization", "Bearer " + TOKEN);
    // The response arrives with its headers: the stream is open on A before B ends the session.
    HttpResponse<java.util.stream.Stream<String>> open = http.send(get.build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, open.statusCode());
    CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> open.body().count());
    Map<String, String> del = new LinkedHashMap<>(h(s));
    assertEquals(204, new RawMcp(b.mcpUrl()).send("DELETE", del, null).statusCode());
    assertTrue(ended.get(20, TimeUnit.SECONDS) >= 1, "A's stream ended after the DELETE on B");
    assertEquals(404, onA.post(h(s), rpc(5, "ping", new JsonObject())).statusCode());
  }

  @Test
  void should_not_ask_gitlab_again_about_a_token_another_replica_verified() {
    String alice = "glpat-alice-aaaaaaaaaaaaaaaa";
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).withHeader("Authorization",
        com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + alice)).willReturn(aResponse()
        .withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"username\":\"alice\"}")));
    Map<String, String> s = new LinkedHashMap<>();
    s.put("store.redisUrl", TestRedis.get().url());
    s.put("store.redisKeyPrefix", TestRedis.freshPrefix());
    s.put("auth.remoteAuthorization", "true");
    a = TestGateway.start(gitlab.baseUrl(), s);
    b = TestGateway.start(gitlab.baseUrl(), s);
    Map<String, String> asAlice = RawMcp.postHeaders();
    asAlice.put("Authorization", "Bearer " + alice);
    int before = gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/user"))).size();
    assertEquals(200, new RawMcp(a.mcpUrl()).post(asAlice, RawMcp.initializeBody("2025-11-25")).statusCode());
    assertEquals(200, new RawMcp(b.mcpUrl()).post(asAlice, RawMcp.initializeBody("2025-11-25")).statusCode());
    assertEquals(before + 1, gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/user"))).size(),
        "B trusted A's check (identity only, keyed by HMAC)");
  }

  @Test
  void should_hold_the_session_limit_across_replicas() {
    replicas(TestRedis.get().url(), Map.of("mcp.maxRequestsPerMinute", "4"));
    RawMcp onA = new RawMcp(a.mcpUrl());
    RawMcp onB = new RawMcp(b.mcpUrl());
    String s = init(onA);
    for (int i = 0; i < 2; i++) {
      assertEquals(200, onA.post(h(s), rpc(i, "ping", new JsonObject())).statusCode());
      assertEquals(200, onB.post(h(s), rpc(10 + i, "ping", new JsonObject())).statusCode());
    }
    HttpResponse<String> refused = onB.post(h(s), rpc(20, "ping", new JsonObject()));
    assertEquals(429, refused.statusCode(), "4 a minute, counted over both replicas");
    assertEquals("0", refused.headers().firstValue("RateLimit-Remaining").orElse(""));
  }

  @Test
  void should_charge_the_window_only_for_requests_it_serves_and_batches_whole() {
    replicas(TestRedis.get().url(), Map.of("mcp.maxRequestsPerMinute", "4"));
    RawMcp onA = new RawMcp(a.mcpUrl());
    RawMcp onB = new RawMcp(b.mcpUrl());
    HttpResponse<String> init = onA.post(h(null), RawMcp.initializeBody("2025-03-26"));
    String s = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    Map<String, String> wrongToken = h(s);
    wrongToken.put("Authorization", "Bearer not-the-token");
    assertEquals(401, onB.post(wrongToken, rpc(1, "ping", new JsonObject())).statusCode());
    assertEquals(202, onA.post(h(s), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode());
    HttpResponse<String> first = onB.post(h(s), rpc(2, "ping", new JsonObject()));
    assertEquals("3", first.headers().firstValue("RateLimit-Remaining").orElse(""),
        "the refused request and the notification cost nothing");
    String three = "[" + rpc(3, "ping", new JsonObject()) + "," + rpc(4, "ping", new JsonObject()) + ","
        + rpc(5, "ping", new JsonObject()) + "]";
    HttpResponse<String> batch = onA.post(h(s), three);
    assertEquals(200, batch.statusCode(), batch.body());
    assertEquals("0", batch.headers().firstValue("RateLimit-Remaining").orElse(""), "a batch costs its requests");
    HttpResponse<String> over = onB.post(h(s), rpc(6, "ping", new JsonObject()));
    assertEquals(429, over.statusCode());
    assertEquals("0", over.headers().firstValue("RateLimit-Remaining").orElse(""));
  }

  @Test
  void should_give_back_the_first_unit_of_a_batch_that_does_not_fit() {
    replicas(TestRedis.get().url(), Map.of("mcp.maxRequestsPerMinute", "3"));
    RawMcp onA = new RawMcp(a.mcpUrl());
    HttpResponse<String> init = onA.post(h(null), RawMcp.initializeBody("2025-03-26"));
    String s = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertEquals(200, onA.post(h(s), rpc(1, "ping", new JsonObject())).statusCode());
    String three = "[" + rpc(2, "ping", new JsonObject()) + "," + rpc(3, "ping", new JsonObject()) + ","
        + rpc(4, "ping", new JsonObject()) + "]";
    HttpResponse<String> refused = onA.post(h(s), three);
    assertEquals(429, refused.statusCode(), "three do not fit in the two left");
    assertEquals("2", refused.headers().firstValue("RateLimit-Remaining").orElse(""));
    assertEquals("1", onA.post(h(s), rpc(5, "ping", new JsonObject())).headers().firstValue("RateLimit-Remaining")
        .orElse(""), "the refused batch took nothing");
  }

  @Test
  void should_give_back_the_unit_of_a_request_refused_after_its_session_was_read() throws Exception {
    replicas(TestRedis.get().url(), Map.of("mcp.maxRequestsPerMinute", "2", "server.maxBodyBytes", "4096"));
    RawMcp onA = new RawMcp(a.mcpUrl());
    String s = init(onA);
    Map<String, String> versioned = h(s);
    versioned.put("MCP-Protocol-Version", "2025-11-25"); // read with the headers, before the body
    assertEquals(400, onA.post(versioned, "{\"jsonrpc\":").statusCode(), "not JSON");
    assertEquals(400, onA.post(h(s), "{\"jsonrpc\":").statusCode(), "not JSON, no version header");
    Map<String, String> wrongToken = new LinkedHashMap<>(versioned);
    wrongToken.put("Authorization", "Bearer not-the-token");
    assertEquals(401, onA.post(wrongToken, "{\"jsonrpc\":").statusCode());
    HttpRequest.Builder big = HttpRequest.newBuilder(URI.create(a.mcpUrl())).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
            rpc(9, "ping", new JsonObject().put("pad", "x".repeat(5000))).getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)))); // no length: the body handler counts
    versioned.forEach(big::header);
    assertEquals(413, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(big.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> served = onA.post(versioned, rpc(1, "ping", new JsonObject()));
    assertEquals(200, served.statusCode(), served.body());
    assertEquals("1", served.headers().firstValue("RateLimit-Remaining").orElse(""),
        "the four refused requests cost nothing, each given back before it was answered");
  }

  @Test
  void should_cancel_a_call_running_on_another_replica() throws Exception {
    replicas(TestRedis.get().url(), Map.of("mcp.maxRequestsPerMinute", "1000"));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/slow%2Fone")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1}").withFixedDelay(4000)));
    RawMcp onA = new RawMcp(a.mcpUrl());
    String s = init(onA);
    CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> onA.post(h(s), rpc(77,
        "tools/call", new JsonObject().put("name", "get_project").put("arguments",
            new JsonObject().put("project_id", "slow/one")))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/projects/slow%2Fone"))).isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    HttpResponse<String> cancel = new RawMcp(b.mcpUrl()).post(h(s),
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":77}}");
    assertEquals(202, cancel.statusCode());
    JsonObject answer = RawMcp.lastMessage(call.get(20, TimeUnit.SECONDS));
    assertEquals(-32800, answer.getJsonObject("error").getInteger("code"), answer.encode());
  }

  @Test
  void should_answer_503_while_redis_is_down_and_recover_when_it_returns() throws Exception {
    TestRedis own = TestRedis.startOwn();
    try {
      replicas(own.url(), Map.of("mcp.maxRequestsPerMinute", "1000"));
      RawMcp onA = new RawMcp(a.mcpUrl());
      String s = init(onA);
      own.stop();
      HttpResponse<String> down = onA.post(h(s), rpc(1, "ping", new JsonObject()));
      assertEquals(503, down.statusCode(), down.body());
      assertTrue(down.headers().firstValue("Retry-After").isPresent());
      own = own.restart();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int status = 0;
      while (System.nanoTime() < deadline && status != 200) {
        status = new RawMcp(b.mcpUrl()).post(h(null), RawMcp.initializeBody("2025-11-25")).statusCode();
        if (status != 200) {
          Thread.sleep(200);
        }
      }
      assertEquals(200, status, "the replicas serve again once Redis is back, without a restart");
    } finally {
      own.stop();
    }
  }
}
