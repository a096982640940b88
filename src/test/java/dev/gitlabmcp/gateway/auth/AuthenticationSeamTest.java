package dev.gitlabmcp.gateway.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Remote authorization under abuse: floods of tokens, one user hoarding sessions, forged addresses. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuthenticationSeamTest {

  static final String ALICE = "glpat-alice-aaaaaaaaaaaaaaaa";
  static final String BOB = "glpat-bob-cccccccccccccccccccc";
  private static WireMockServer gitlab;

  @BeforeAll
  static void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
  }

  @AfterAll
  static void stop() {
    gitlab.stop();
  }

  @BeforeEach
  void stubs() {
    gitlab.resetAll();
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(10).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"401 Unauthorized\"}")));
    user(ALICE, 1, "alice");
    user(BOB, 2, "bob");
  }

  private static void user(String token, int id, String name) {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(1).withHeader("Authorization",
        equalTo("Bearer " + token)).willReturn(aResponse().withStatus(200).withHeader("Content-Type",
        "application/json").withBody("{\"id\":" + id + ",\"username\":\"" + name + "\"}")));
  }

  private static Map<String, String> as(String token, String session) {
    Map<String, String> m = session == null ? RawMcp.postHeaders() : RawMcp.postHeaders(session);
    m.put("Authorization", "Bearer " + token);
    return m;
  }

  private static TestGateway remote(Map<String, String> extra) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("auth.remoteAuthorization", "true");
    s.putAll(extra);
    return TestGateway.start(gitlab.baseUrl(), s);
  }

  @Test
  void should_charge_the_address_before_asking_gitlab_about_a_token_it_does_not_know() {
    try (TestGateway gw = remote(Map.of("mcp.unauthenticatedRequestsPerMinute", "5"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      assertEquals(200, mcp.post(as(ALICE, null), RawMcp.initializeBody("2025-11-25")).statusCode());
      int limited = 0;
      for (int i = 0; i < 40; i++) {
        String forged = "glpat-flood-" + String.format("%020d", i);
        int status = mcp.post(as(forged, null), RawMcp.initializeBody("2025-11-25")).statusCode();
        assertTrue(status == 401 || status == 429, "status " + status);
        limited += status == 429 ? 1 : 0;
      }
      // Alice's check charged one unit; four forged tokens reached GitLab, then every check was refused first.
      assertEquals(36, limited);
      gitlab.verify(5, getRequestedFor(urlPathEqualTo("/api/v4/user")));
      // Alice's token is remembered: she is served without GitLab being asked, even with the budget spent.
      assertEquals(200, mcp.post(as(ALICE, null), RawMcp.initializeBody("2025-11-25")).statusCode());
      gitlab.verify(5, getRequestedFor(urlPathEqualTo("/api/v4/user")));
    }
  }

  @Test
  void should_cap_the_sessions_one_user_may_hold() {
    try (TestGateway gw = remote(Map.of("mcp.maxSessionsPerUser", "2"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String first = mcp.post(as(ALICE, null), RawMcp.initializeBody("2025-11-25")).headers()
          .firstValue("Mcp-Session-Id").orElseThrow();
      assertEquals(200, mcp.post(as(ALICE, null), RawMcp.initializeBody("2025-11-25")).statusCode());
      HttpResponse<String> third = mcp.post(as(ALICE, null), RawMcp.initializeBody("2025-11-25"));
      assertEquals(429, third.statusCode());
      assertTrue(new JsonObject(third.body()).getString("message").contains("MAX_SESSIONS_PER_USER"), third.body());
      assertTrue(third.headers().firstValue("Retry-After").isPresent());
      assertEquals(200, mcp.post(as(BOB, null), RawMcp.initializeBody("2025-11-25")).statusCode(),
          "another user is not affected");
      Map<String, String> del = new LinkedHashMap<>(as(ALICE, first));
      assertEquals(204, mcp.send("DELETE", del, null).statusCode());
      assertEquals(200, mcp.post(as(ALICE, null), RawMcp.initializeBody("2025-11-25")).statusCode(),
          "ending a session gives the slot back");
    }
  }

  @Test
  void should_key_the_address_budget_on_the_hop_the_trusted_proxy_appended() {
    try (TestGateway gw = remote(Map.of("mcp.unauthenticatedRequestsPerMinute", "3", "server.trustProxy", "true"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      for (int i = 0; i < 3; i++) {
        Map<String, String> h = RawMcp.postHeaders();
        h.put("X-Forwarded-For", "10.0.0." + i + ", 203.0.113.9"); // the client forges the left part
        assertEquals(401, mcp.post(h, RawMcp.initializeBody("2025-11-25")).statusCode());
      }
      Map<String, String> forged = RawMcp.postHeaders();
      forged.put("X-Forwarded-For", "10.9.9.9, 203.0.113.9");
      assertEquals(429, mcp.post(forged, RawMcp.initializeBody("2025-11-25")).statusCode(),
          "a new left-most entry does not buy a new budget");
      Map<String, String> other = RawMcp.postHeaders();
      other.put("X-Forwarded-For", "203.0.113.10");
      assertEquals(401, mcp.post(other, RawMcp.initializeBody("2025-11-25")).statusCode(),
          "another client behind the proxy has its own budget");
    }
  }
}
