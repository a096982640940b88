package dev.gitlabmcp.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Gateways configured with an MCP bearer token, a session cap, and read-only mode. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class McpHttpLimitsTest {

  private static final String MCP_TOKEN = "mcp-shared-secret-0123456789";
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

  private static Map<String, String> bearer(Map<String, String> h, String token) {
    Map<String, String> m = new LinkedHashMap<>(h);
    m.put("Authorization", "Bearer " + token);
    return m;
  }

  @Test
  void should_require_the_mcp_bearer_token_when_configured() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("auth.mcpToken", MCP_TOKEN))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      HttpResponse<String> none = mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));
      assertEquals(401, none.statusCode());
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertTrue(new JsonObject(none.body()).getString("message").contains("MCP_AUTH_TOKEN"));
      HttpResponse<String> wrong = mcp.post(bearer(RawMcp.postHeaders(), "not-the-token-at-all"),
          RawMcp.initializeBody("2025-11-25"));
      assertEquals(401, wrong.statusCode());
      assertFalse(wrong.body().contains(MCP_TOKEN));
      HttpResponse<String> ok = mcp.post(bearer(RawMcp.postHeaders(), MCP_TOKEN), RawMcp.initializeBody("2025-11-25"));
      assertEquals(200, ok.statusCode());
      // A session id alone never authenticates.
      String session = ok.headers().firstValue("Mcp-Session-Id").orElseThrow();
      HttpResponse<String> replay = mcp.post(RawMcp.postHeaders(session), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
      assertEquals(401, replay.statusCode());
      // Health stays open for probes.
      assertEquals(200, new RawMcp(gw.baseUrl() + "/health").send("GET", Map.of(), null).statusCode());
    }
  }

  @Test
  void should_refuse_sessions_beyond_max_sessions_with_503_and_report_degraded_health() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("mcp.maxSessions", "2"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String first = mcp.initialize();
      mcp.initialize();
      HttpResponse<String> third = mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));
      assertEquals(503, third.statusCode());
      JsonObject body = new JsonObject(third.body());
      assertEquals("Server capacity reached", body.getString("error"));
      assertEquals("Maximum 2 concurrent sessions allowed. Please try again later.", body.getString("message"));
      HttpResponse<String> health = new RawMcp(gw.baseUrl() + "/health").send("GET", Map.of(), null);
      assertEquals(503, health.statusCode());
      assertEquals("degraded", new JsonObject(health.body()).getString("status"));
      // Ending a session frees its slot.
      assertEquals(204, mcp.send("DELETE", Map.of("Mcp-Session-Id", first), null).statusCode());
      assertEquals(200, mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25")).statusCode());
    }
  }

  @Test
  void should_hide_and_refuse_write_tools_in_read_only_mode() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("tools.readOnly", "true"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      JsonObject list = mcp.request(s, "tools/list", null, 1).getJsonObject("result");
      for (Object o : list.getJsonArray("tools")) {
        assertTrue(((JsonObject) o).getJsonObject("annotations").getBoolean("readOnlyHint"),
            ((JsonObject) o).getString("name"));
      }
      assertFalse(list.encode().contains("\"create_issue\""));
      // Called by name anyway: refused with the reason, and GitLab never hears of it.
      JsonObject r = mcp.callTool(s, "create_issue", new JsonObject().put("project_id", "a/b").put("title", "x"));
      assertTrue(RawMcp.isError(r));
      assertTrue(RawMcp.text(r).contains("read-only"), RawMcp.text(r));
    }
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_create_an_issue_with_a_json_body_when_writes_are_allowed() {
    gitlab.stubFor(post(urlPathEqualTo("/api/v4/projects/a%2Fb/issues")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":9,\"iid\":3,\"title\":\"Broken build\",\"state\":\"opened\",\"web_url\":\"u\"}")));
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl())) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      JsonObject r = mcp.callTool(s, "create_issue", new JsonObject().put("project_id", "a/b")
          .put("title", "Broken build").put("labels", new io.vertx.core.json.JsonArray().add("bug").add("ci")));
      assertFalse(RawMcp.isError(r), RawMcp.text(r));
      assertTrue(RawMcp.text(r).contains("\"iid\":3"));
      gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/v4/projects/a%2Fb/issues"))
          .withHeader("PRIVATE-TOKEN", equalTo(TestGateway.GITLAB_TOKEN))
          .withRequestBody(equalToJson("{\"title\":\"Broken build\",\"labels\":\"bug,ci\"}")));
    }
  }
}
