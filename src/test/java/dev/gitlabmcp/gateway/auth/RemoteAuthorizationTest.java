package dev.gitlabmcp.gateway.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Many users on one gateway, each with their own GitLab token. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RemoteAuthorizationTest {

  static final String ALICE = "glpat-alice-aaaaaaaaaaaaaaaa";
  static final String ALICE_NEW = "glpat-alice-rotated-bbbbbbbbbb";
  static final String BOB = "glpat-bob-cccccccccccccccccccc";
  static final String JOB = "glcbt-job-dddddddddddddddddddd";

  private static WireMockServer gitlab;
  private static TestGateway gateway;
  private static RawMcp mcp;

  @BeforeAll
  static void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("auth.remoteAuthorization", "true");
    s.put("mcp.maxRequestsPerMinute", "1000");
    gateway = TestGateway.start(gitlab.baseUrl(), s);
    mcp = new RawMcp(gateway.mcpUrl());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    gitlab.stop();
  }

  @BeforeEach
  void stubs() {
    gitlab.resetAll();
    user(ALICE, 1, "alice");
    user(ALICE_NEW, 1, "alice");
    user(BOB, 2, "bob");
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(10).willReturn(json(401,
        "{\"message\":\"401 Unauthorized\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/job")).withHeader("JOB-TOKEN", equalTo(JOB))
        .willReturn(json(200, "{\"id\":77,\"user\":{\"id\":3,\"username\":\"ci\"}}")));
    project(ALICE, "alice-secret-plans");
    project(ALICE_NEW, "alice-secret-plans");
    project(BOB, "bob-private-notes");
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  private static void user(String token, int id, String name) {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(1).withHeader("Authorization",
        equalTo("Bearer " + token)).willReturn(json(200, "{\"id\":" + id + ",\"username\":\"" + name + "\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(1).withHeader("PRIVATE-TOKEN", equalTo(token))
        .willReturn(json(200, "{\"id\":" + id + ",\"username\":\"" + name + "\"}")));
  }

  /** Project 5 answers each token with that user's own view. */
  private static void project(String token, String name) {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/5")).atPriority(1).withHeader("Authorization",
        equalTo("Bearer " + token)).willReturn(json(200, "{\"id\":5,\"name\":\"" + name + "\"}")));
  }

  private static Map<String, String> h(String token, String session) {
    Map<String, String> m = session == null ? RawMcp.postHeaders() : RawMcp.postHeaders(session);
    if (token != null) {
      m.put("Authorization", "Bearer " + token);
    }
    return m;
  }

  private static String init(Map<String, String> headers) {
    HttpResponse<String> r = mcp.post(headers, RawMcp.initializeBody("2025-11-25"));
    assertEquals(200, r.statusCode(), r.body());
    return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  private static HttpResponse<String> call(Map<String, String> headers, String tool, JsonObject args) {
    return mcp.post(headers, new JsonObject().put("jsonrpc", "2.0").put("id", 9).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", args)).encode());
  }

  private int activeSessions() {
    return new JsonObject(new RawMcp(gateway.baseUrl() + "/health").send("GET", Map.of(), null).body())
        .getInteger("activeSessions");
  }

  @Test
  void should_answer_a_request_without_token_with_the_documented_401() {
    HttpResponse<String> r = mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));
    assertEquals(401, r.statusCode());
    assertEquals(new JsonObject().put("error", "Missing Authorization or Private-Token header")
        .put("message", "Remote authorization is enabled. Please provide Authorization or Private-Token header."),
        new JsonObject(r.body()));
  }

  @Test
  void should_say_which_format_rule_a_token_breaks() {
    HttpResponse<String> shortToken = mcp.post(h("short", null), RawMcp.initializeBody("2025-11-25"));
    assertEquals(401, shortToken.statusCode());
    assertEquals("Invalid token format", new JsonObject(shortToken.body()).getString("error"));
    assertTrue(new JsonObject(shortToken.body()).getString("message").contains("at least 20 characters"));
    HttpResponse<String> badChars = mcp.post(h("glpat-has spaces and $ymbols!!", null),
        RawMcp.initializeBody("2025-11-25"));
    assertTrue(new JsonObject(badChars.body()).getString("message").contains("only letters, digits"));
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_verify_tokens_with_gitlab_before_creating_a_session() {
    int before = activeSessions();
    for (int i = 0; i < 25; i++) {
      HttpResponse<String> r = mcp.post(h("glpat-garbage-token-number-" + i, null), RawMcp.initializeBody("2025-11-25"));
      assertEquals(401, r.statusCode());
      assertEquals("Invalid GitLab token", new JsonObject(r.body()).getString("error"));
    }
    assertEquals(before, activeSessions(), "garbage tokens must not take session slots");
  }

  @Test
  void should_serve_each_user_with_their_own_token_and_never_mix_them() throws Exception {
    String a = init(h(ALICE, null));
    String b = init(h(BOB, null));
    CompletableFuture<String> aliceSees = CompletableFuture.supplyAsync(() ->
        RawMcp.text(RawMcp.lastMessage(call(h(ALICE, a), "get_project", new JsonObject().put("project_id", 5)))));
    CompletableFuture<String> bobSees = CompletableFuture.supplyAsync(() ->
        RawMcp.text(RawMcp.lastMessage(call(h(BOB, b), "get_project", new JsonObject().put("project_id", 5)))));
    assertTrue(aliceSees.get().contains("alice-secret-plans"));
    assertFalse(aliceSees.get().contains("bob"));
    assertTrue(bobSees.get().contains("bob-private-notes"));
    assertFalse(bobSees.get().contains("alice"));
  }

  @Test
  void should_never_accept_a_session_id_alone() {
    String a = init(h(ALICE, null));
    HttpResponse<String> replay = mcp.post(h(null, a), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    assertEquals(401, replay.statusCode());
  }

  @Test
  void should_refuse_another_users_token_on_a_session_with_403() {
    String a = init(h(ALICE, null));
    HttpResponse<String> r = call(h(BOB, a), "get_project", new JsonObject().put("project_id", 5));
    assertEquals(403, r.statusCode());
    assertFalse(r.body().contains("alice-secret-plans"));
    gitlab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/projects/5")));
  }

  @Test
  void should_accept_a_rotated_token_of_the_same_user() {
    String a = init(h(ALICE, null));
    HttpResponse<String> r = call(h(ALICE_NEW, a), "get_project", new JsonObject().put("project_id", 5));
    assertEquals(200, r.statusCode());
    assertTrue(RawMcp.text(RawMcp.lastMessage(r)).contains("alice-secret-plans"));
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/projects/5"))
        .withHeader("Authorization", equalTo("Bearer " + ALICE_NEW)));
  }

  @Test
  void should_verify_a_token_once_while_it_is_cached() {
    String fresh = "glpat-only-used-by-the-cache-test";
    user(fresh, 4, "carol");
    String a = init(h(fresh, null));
    for (int i = 0; i < 5; i++) {
      assertEquals(200, mcp.post(h(fresh, a), "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}").statusCode());
    }
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/user")));
  }

  @Test
  void should_share_one_gitlab_check_among_concurrent_first_requests_of_a_token() throws Exception {
    String fresh = "glpat-concurrent-first-use-token";
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(1).withHeader("Authorization",
        equalTo("Bearer " + fresh)).willReturn(json(200, "{\"id\":5,\"username\":\"dan\"}").withFixedDelay(300)));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    java.util.List<CompletableFuture<Integer>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(CompletableFuture.supplyAsync(() -> {
        try {
          gate.await(); // all twenty start together, inside GitLab's 300 ms answer time
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return mcp.post(h(fresh, null), RawMcp.initializeBody("2025-11-25")).statusCode();
      }, pool));
    }
    gate.countDown();
    for (CompletableFuture<Integer> f : all) {
      assertEquals(200, f.get());
    }
    pool.shutdown();
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/user"))
        .withHeader("Authorization", equalTo("Bearer " + fresh)));
  }

  @Test
  void should_accept_private_token_and_job_token_headers() {
    Map<String, String> priv = RawMcp.postHeaders();
    priv.put("Private-Token", BOB);
    assertEquals(200, mcp.post(priv, RawMcp.initializeBody("2025-11-25")).statusCode());
    Map<String, String> job = RawMcp.postHeaders();
    job.put("JOB-TOKEN", JOB);
    assertEquals(200, mcp.post(job, RawMcp.initializeBody("2025-11-25")).statusCode());
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/job")).withHeader("JOB-TOKEN", equalTo(JOB)));
  }

  @Test
  void should_end_the_session_on_delete() {
    String a = init(h(ALICE, null));
    Map<String, String> del = new LinkedHashMap<>();
    del.put("Authorization", "Bearer " + ALICE);
    del.put("Mcp-Session-Id", a);
    assertEquals(204, mcp.send("DELETE", del, null).statusCode());
    assertEquals(404, mcp.post(h(ALICE, a), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").statusCode());
  }

  @Test
  void should_answer_503_when_gitlab_cannot_check_the_token() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(1).withHeader("Authorization",
        equalTo("Bearer glpat-while-gitlab-is-down-xx")).willReturn(json(502, "<html>bad gateway</html>")));
    HttpResponse<String> r = mcp.post(h("glpat-while-gitlab-is-down-xx", null), RawMcp.initializeBody("2025-11-25"));
    assertEquals(503, r.statusCode());
    assertEquals("GitLab unavailable", new JsonObject(r.body()).getString("error"));
  }

  @Test
  void should_count_sessions_auth_failures_and_requests_in_metrics_without_secrets() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("auth.remoteAuthorization", "true",
        "mcp.maxRequestsPerMinute", "2", "mcp.maxSessions", "1"))) {
      RawMcp m = new RawMcp(gw.mcpUrl());
      m.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));                  // missing token
      m.post(h("glpat-garbage-for-metrics-000", null), RawMcp.initializeBody("2025-11-25")); // invalid
      String s = m.post(h(ALICE, null), RawMcp.initializeBody("2025-11-25")).headers()
          .firstValue("Mcp-Session-Id").orElseThrow();
      m.post(h(BOB, null), RawMcp.initializeBody("2025-11-25"));                            // capacity
      m.post(h(BOB, s), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");                 // forbidden
      for (int i = 0; i < 3; i++) {                                                         // 2 ok, 1 limited
        m.post(h(ALICE, s), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
      }
      RawMcp metrics = new RawMcp(gw.baseUrl() + "/metrics.json");
      JsonObject j = new JsonObject(metrics.send("GET", Map.of(), null).body());
      assertEquals(1, j.getInteger("activeSessions"));
      assertEquals(1, j.getInteger("authenticatedSessions"));
      assertEquals(1, j.getInteger("totalSessions"));
      assertEquals(3, j.getInteger("authFailures"));
      assertEquals(2, j.getInteger("requestsProcessed"));
      assertEquals(1, j.getInteger("rejectedByRateLimit"));
      assertEquals(1, j.getInteger("rejectedByCapacity"));
      assertTrue(j.getJsonObject("config").getBoolean("remoteAuthorization"));
      HttpResponse<String> prom = new RawMcp(gw.baseUrl() + "/metrics").send("GET", Map.of(), null);
      assertEquals(200, prom.statusCode());
      assertTrue(prom.body().contains("mcp_auth_failures_total{reason=\"invalid\"} 1.0"), prom.body());
      assertTrue(prom.body().contains("vertx_http_server_requests_total"));
      assertTrue(prom.body().contains("jvm_memory_used_bytes"));
      for (String secret : new String[] {ALICE, BOB, s, "alice", "glpat-garbage"}) {
        assertFalse(prom.body().contains(secret), "metrics leak " + secret);
        assertFalse(j.encode().contains(secret), "metrics.json leaks " + secret);
      }
    }
  }

  @Test
  void should_limit_requests_per_session_with_exact_headers() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("auth.remoteAuthorization", "true",
        "mcp.maxRequestsPerMinute", "3"))) {
      RawMcp m = new RawMcp(gw.mcpUrl());
      String s = m.post(h(ALICE, null), RawMcp.initializeBody("2025-11-25")).headers()
          .firstValue("Mcp-Session-Id").orElseThrow();
      HttpResponse<String> last = null;
      for (int i = 0; i < 3; i++) {
        last = m.post(h(ALICE, s), "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}");
        assertEquals(200, last.statusCode());
      }
      assertEquals("0", last.headers().firstValue("RateLimit-Remaining").orElse(""));
      HttpResponse<String> r = m.post(h(ALICE, s), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");
      assertEquals(429, r.statusCode());
      assertEquals(new JsonObject().put("error", "Rate limit exceeded")
          .put("message", "Maximum 3 requests per minute allowed"), new JsonObject(r.body()));
      assertEquals("3", r.headers().firstValue("RateLimit-Limit").orElse(""));
      assertEquals("0", r.headers().firstValue("RateLimit-Remaining").orElse(""));
      long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
    }
  }

  @Test
  void should_limit_tokenless_requests_per_address_without_blocking_valid_tokens() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("auth.remoteAuthorization", "true",
        "mcp.unauthenticatedRequestsPerMinute", "5"))) {
      RawMcp m = new RawMcp(gw.mcpUrl());
      // Bob's token is verified first: that check reached GitLab, so it took one unit of the budget.
      assertEquals(200, m.post(h(BOB, null), RawMcp.initializeBody("2025-11-25")).statusCode());
      for (int i = 0; i < 4; i++) {
        assertEquals(401, m.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25")).statusCode());
      }
      HttpResponse<String> limited = m.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));
      assertEquals(429, limited.statusCode());
      assertTrue(limited.headers().firstValue("Retry-After").isPresent());
      // A colleague behind the same address whose token is already verified is served without GitLab.
      assertEquals(200, m.post(h(BOB, null), RawMcp.initializeBody("2025-11-25")).statusCode());
      // A token never seen would need GitLab: with the budget spent it is refused before GitLab hears of it.
      assertEquals(429, m.post(h(ALICE, null), RawMcp.initializeBody("2025-11-25")).statusCode());
    }
  }
}
