package dev.gitlabmcp.gateway.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * GitLab misbehaving: every fault ends in an isError result a model can act on, within the request
 * timeout; GETs are retried as documented (gitlab.maxRetries on 429/502/503/504 and broken
 * connections), POSTs never; and afterwards the two-connection pool still serves every call.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class UpstreamFaultTest {

  private static final int TIMEOUT_MS = 3000;
  private static final int MAX_RETRIES = 2;
  private static final int MAX_CONNECTIONS = 2;
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final String PATH = "/api/v4/projects/acme%2Fflaky";
  private static final String GOOD_PATH = "/api/v4/projects/acme%2Fgood";

  private static WireMockServer gitlab;
  private static TestGateway gateway;
  private static RawMcp mcp;
  private static String session;
  private static LogCapture logs;

  @BeforeAll
  static void start() {
    logs = new LogCapture();
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .containerThreads(20));
    gitlab.start();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("gitlab.requestTimeoutMs", Integer.toString(TIMEOUT_MS));
    s.put("gitlab.maxRetries", Integer.toString(MAX_RETRIES));
    s.put("gitlab.maxConnections", Integer.toString(MAX_CONNECTIONS));
    s.put("gitlab.maxResponseBytes", Integer.toString(MAX_RESPONSE_BYTES));
    s.put("mcp.maxRequestsPerMinute", "100000");
    gateway = TestGateway.start(gitlab.baseUrl(), s);
    mcp = new RawMcp(gateway.mcpUrl());
    session = mcp.initialize();
  }

  @AfterAll
  static void stop() {
    try {
      gateway.close();
      gitlab.stop();
    } finally {
      logs.close();
    }
  }

  @BeforeEach
  void stubs() {
    gitlab.resetAll();
    gitlab.stubFor(get(urlPathEqualTo(GOOD_PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"name\":\"good-project\"}")));
    logs.clear();
  }

  /** After every fault: no request left hanging, the small pool serves a burst, nothing leaked into logs. */
  @AfterEach
  void pool_is_back_to_baseline() throws Exception {
    gitlab.resetRequests();
    // More concurrent calls than connections, several rounds: a leaked connection would leave them queued
    // until the request timeout and turn them into errors.
    long t0 = System.nanoTime();
    for (int round = 0; round < 3; round++) {
      List<CompletableFuture<JsonObject>> calls = new ArrayList<>();
      for (int i = 0; i < 4 * MAX_CONNECTIONS; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> mcp.callTool(session, "get_project",
            new JsonObject().put("project_id", "acme/good"))));
      }
      for (CompletableFuture<JsonObject> c : calls) {
        JsonObject r = c.get(TIMEOUT_MS * 3L, TimeUnit.MILLISECONDS);
        assertFalse(RawMcp.isError(r), RawMcp.text(r));
        assertTrue(RawMcp.text(r).contains("good-project"));
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < TIMEOUT_MS, "24 calls over " + MAX_CONNECTIONS + " connections took " + ms + " ms");
    gitlab.verify(24, getRequestedFor(urlPathEqualTo(GOOD_PATH)));
    String scrape = new RawMcp(gateway.baseUrl() + "/metrics").send("GET", Map.of(), null).body();
    assertTrue(scrape.contains("vertx_http_client_active_requests"), "the scrape has the client's gauges");
    assertEquals(0, metric(scrape, "vertx_http_client_active_requests"), "requests still in flight");
    assertTrue(metric(scrape, "vertx_http_client_active_connections") <= MAX_CONNECTIONS, "open connections");
    for (String line : logs.lines()) {
      assertFalse(line.contains(TestGateway.GITLAB_TOKEN), line);
      assertFalse(line.contains("\tat "), "stack trace in the log: " + line);
    }
  }

  /** The sum of a metric's series in a Prometheus scrape (0 when absent). */
  private static double metric(String scrape, String name) {
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape);
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  private record Timed(JsonObject response, long ms) {
    String text() {
      return RawMcp.text(response);
    }
  }

  private static Timed callFlaky() {
    long t0 = System.nanoTime();
    JsonObject r = mcp.callTool(session, "get_project", new JsonObject().put("project_id", "acme/flaky"));
    return new Timed(r, (System.nanoTime() - t0) / 1_000_000);
  }

  private static void flaky(ResponseDefinitionBuilder answer) {
    gitlab.stubFor(get(urlPathEqualTo(PATH)).willReturn(answer));
  }

  /** An isError result, in time, and GitLab asked exactly that often. */
  private static String assertToolError(Timed t, int requests) {
    assertTrue(RawMcp.isError(t.response()), t.text());
    assertTrue(t.ms() < TIMEOUT_MS + 3000, "took " + t.ms() + " ms");
    gitlab.verify(requests, getRequestedFor(urlPathEqualTo(PATH)));
    assertFalse(t.text().contains("Exception"), t.text());
    assertFalse(t.text().contains(TestGateway.GITLAB_TOKEN), t.text());
    return t.text();
  }

  @Test
  void should_report_a_500_at_once_without_retrying() {
    flaky(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"500 Internal Server Error\"}"));
    String text = assertToolError(callFlaky(), 1);
    assertEquals("GitLab had a server error (500): 500 Internal Server Error. It is not your request; try again later.",
        text);
  }

  @Test
  void should_retry_502_and_503_then_report_them() {
    for (int status : List.of(502, 503)) {
      gitlab.resetRequests();
      flaky(aResponse().withStatus(status).withHeader("Content-Type", "text/html")
          .withBody("<html><body><h1>" + status + " Bad Gateway</h1>nginx</body></html>"));
      String text = assertToolError(callFlaky(), 1 + MAX_RETRIES);
      assertEquals("GitLab had a server error (" + status + "). It is not your request; try again later.", text);
    }
  }

  @Test
  void should_wait_as_retry_after_says_on_429_and_then_report_the_rate_limit() {
    flaky(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Retry later\"}"));
    Timed t = callFlaky();
    String text = assertToolError(t, 1 + MAX_RETRIES);
    assertTrue(t.ms() >= 2000, "two waits of Retry-After: 1 s took only " + t.ms() + " ms");
    assertEquals("GitLab's rate limit was hit (429 Too Many Requests); retry after 1 s. Wait before calling again.",
        text);
  }

  @Test
  void should_give_up_on_a_slow_gitlab_at_the_request_timeout() {
    flaky(aResponse().withStatus(200).withFixedDelay(TIMEOUT_MS + 3000).withBody("{\"id\":1}"));
    Timed t = callFlaky();
    String text = assertToolError(t, 1);
    assertTrue(t.ms() >= TIMEOUT_MS - 100, "gave up after " + t.ms() + " ms");
    assertEquals("GitLab did not answer in time: GitLab did not answer within " + TIMEOUT_MS
        + " ms. Try again, or narrow the request.", text);
  }

  @Test
  void should_retry_broken_connections_then_report_gitlab_unreachable() {
    for (Fault fault : List.of(Fault.CONNECTION_RESET_BY_PEER, Fault.EMPTY_RESPONSE, Fault.MALFORMED_RESPONSE_CHUNK,
        Fault.RANDOM_DATA_THEN_CLOSE)) {
      gitlab.resetRequests();
      flaky(aResponse().withFault(fault));
      String text = assertToolError(callFlaky(), 1 + MAX_RETRIES);
      assertTrue(text.startsWith("GitLab is unreachable: could not reach GitLab at "
          + java.net.URI.create(gitlab.baseUrl()).getHost() + " ("), fault + ": " + text);
      assertTrue(text.endsWith("Try again later."), fault + ": " + text);
    }
  }

  @Test
  void should_say_so_when_gitlab_answers_an_html_page_instead_of_json() {
    flaky(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
        .withBody("<!DOCTYPE html><html><head><title>Sign in</title></head><body>GitLab sign in</body></html>"));
    String text = assertToolError(callFlaky(), 1);
    assertTrue(text.startsWith("GitLab answered 200 but the body is not JSON"), text);
    assertFalse(text.contains("<html>"), text);
  }

  @Test
  void should_refuse_a_body_over_max_response_bytes_without_retrying() {
    flaky(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody("[" + "{\"id\":1,\"name\":\"padding\"},".repeat(MAX_RESPONSE_BYTES / 10) + "{}]"));
    String text = assertToolError(callFlaky(), 1);
    assertEquals("GitLab's answer is too large: GitLab's response is larger than the " + MAX_RESPONSE_BYTES
        + "-byte limit. Ask for fewer items (per_page) or a smaller file.", text);
  }

  @Test
  void should_never_retry_a_post_whatever_goes_wrong() {
    String issues = "/api/v4/projects/acme%2Fflaky/issues";
    for (ResponseDefinitionBuilder answer : List.of(aResponse().withStatus(503),
        aResponse().withStatus(429).withHeader("Retry-After", "1"), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
        aResponse().withStatus(201).withFixedDelay(TIMEOUT_MS + 2000))) {
      gitlab.resetAll();
      gitlab.stubFor(get(urlPathEqualTo(GOOD_PATH)).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"name\":\"good-project\"}")));
      gitlab.stubFor(post(urlPathEqualTo(issues)).willReturn(answer));
      long t0 = System.nanoTime();
      JsonObject r = mcp.callTool(session, "create_issue", new JsonObject().put("project_id", "acme/flaky")
          .put("title", "Once only"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(RawMcp.isError(r), RawMcp.text(r));
      assertTrue(ms < TIMEOUT_MS + 3000, "took " + ms + " ms");
      gitlab.verify(1, postRequestedFor(urlPathEqualTo(issues)));
    }
  }
}
