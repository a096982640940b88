package dev.gitlabmcp.gateway.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Two GitLab instances behind one gateway: each session works with the instance it chose, each
 * instance sees only its own token, and a client can never make the gateway talk to a GitLab it
 * names itself.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FederationRoutingTest {

  static final String CORP_TOKEN = "glpat-corp-aaaaaaaaaaaaaaaa";
  static final String COM_TOKEN = "glpat-com-bbbbbbbbbbbbbbbbb";
  private static WireMockServer corp;
  private static WireMockServer com;

  @BeforeAll
  static void start() {
    corp = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    com = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    corp.start();
    com.start();
  }

  @AfterAll
  static void stop() {
    corp.stop();
    com.stop();
  }

  @BeforeEach
  void reset() {
    for (WireMockServer w : List.of(corp, com)) {
      w.resetAll();
      String who = w == corp ? "corp" : "com";
      w.stubFor(any(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json")
          .withBody("{\"id\":1,\"name\":\"" + who + "\",\"path_with_namespace\":\"g/" + who + "\",\"username\":\"u-"
              + who + "\"}")));
    }
  }

  private static TestGateway gateway(String... settings) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("gitlab.instances", "corp=" + corp.baseUrl() + " gitlab-com=" + com.baseUrl());
    m.put("gitlab.token", "");
    m.put("mcp.maxRequestsPerMinute", "10000");
    for (int i = 0; i < settings.length; i += 2) {
      m.put(settings[i], settings[i + 1]);
    }
    return TestGateway.start("http://127.0.0.1:9", m, Map.of("GITLAB_PERSONAL_ACCESS_TOKEN_CORP", CORP_TOKEN,
        "GITLAB_PERSONAL_ACCESS_TOKEN_GITLAB_COM", COM_TOKEN));
  }

  private static String name(JsonObject response) {
    String text = RawMcp.text(response);
    return text.contains("\"name\":\"corp\"") ? "corp" : text.contains("\"name\":\"com\"") ? "com" : text;
  }

  @Test
  void should_serve_each_instance_on_its_own_path_with_its_own_token_and_no_cross_talk_under_concurrency()
      throws Exception {
    try (TestGateway gw = gateway()) {
      RawMcp viaDefault = new RawMcp(gw.mcpUrl());
      RawMcp viaCom = new RawMcp(gw.mcpUrl() + "/gitlab-com");
      RawMcp viaCorp = new RawMcp(gw.mcpUrl() + "/corp");
      String sDefault = viaDefault.initialize();
      String sCom = viaCom.initialize();
      String sCorp = viaCorp.initialize();

      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> name(viaCom.callTool(sCom, "get_project",
            new JsonObject().put("project_id", "g/x")))));
        calls.add(CompletableFuture.supplyAsync(() -> name(viaCorp.callTool(sCorp, "get_project",
            new JsonObject().put("project_id", "g/x")))));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertEquals(i % 2 == 0 ? "com" : "corp", calls.get(i).get());
      }
      assertEquals("corp", name(viaDefault.callTool(sDefault, "get_project", new JsonObject().put("project_id", "g/x"))),
          "/mcp is the default instance: the first one");
    }
    com.verify(20, getRequestedFor(urlPathEqualTo("/api/v4/projects/g%2Fx")).withHeader("PRIVATE-TOKEN", equalTo(COM_TOKEN)));
    corp.verify(21, getRequestedFor(urlPathEqualTo("/api/v4/projects/g%2Fx")).withHeader("PRIVATE-TOKEN", equalTo(CORP_TOKEN)));
    assertEquals(0, com.findAll(anyRequestedFor(anyUrl()).withHeader("PRIVATE-TOKEN", equalTo(CORP_TOKEN))).size());
    assertEquals(0, corp.findAll(anyRequestedFor(anyUrl()).withHeader("PRIVATE-TOKEN", equalTo(COM_TOKEN))).size());
  }

  @Test
  void should_only_let_a_client_name_a_configured_instance_never_a_url_of_its_own() {
    try (TestGateway gw = gateway()) {
      RawMcp unknown = new RawMcp(gw.mcpUrl() + "/nope");
      HttpResponse<String> r = unknown.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));
      assertEquals(404, r.statusCode());
      assertTrue(r.body().contains("configured: corp, gitlab-com"), r.body());

      RawMcp mcp = new RawMcp(gw.mcpUrl());
      Map<String, String> evil = new LinkedHashMap<>(RawMcp.postHeaders());
      evil.put("X-GitLab-API-URL", "https://attacker.example.com/api/v4");
      HttpResponse<String> foreign = mcp.post(evil, RawMcp.initializeBody("2025-11-25"));
      assertEquals(403, foreign.statusCode());
      assertFalse(foreign.body().contains("attacker"), "the URL is not echoed: " + foreign.body());

      Map<String, String> byName = new LinkedHashMap<>(RawMcp.postHeaders());
      byName.put("X-GitLab-Instance", "nope");
      assertEquals(403, mcp.post(byName, RawMcp.initializeBody("2025-11-25")).statusCode());

      Map<String, String> byUrl = new LinkedHashMap<>(RawMcp.postHeaders());
      byUrl.put("X-GitLab-API-URL", com.baseUrl() + "/api/v4/");
      HttpResponse<String> ok = mcp.post(byUrl, RawMcp.initializeBody("2025-11-25"));
      assertEquals(200, ok.statusCode(), ok.body());
      String session = ok.headers().firstValue("Mcp-Session-Id").orElseThrow();
      assertEquals("com", name(mcp.callTool(session, "get_project", new JsonObject().put("project_id", "g/x"))));
    }
    assertEquals(1, com.findAll(anyRequestedFor(anyUrl())).size());
    assertEquals(0, corp.findAll(anyRequestedFor(anyUrl())).size());
  }

  @Test
  void should_keep_a_session_on_its_instance_and_refuse_it_on_another_instances_path() {
    try (TestGateway gw = gateway()) {
      RawMcp viaCorp = new RawMcp(gw.mcpUrl() + "/corp");
      String s = viaCorp.initialize();

      HttpResponse<String> r = new RawMcp(gw.mcpUrl() + "/gitlab-com").post(RawMcp.postHeaders(s),
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
      assertEquals(400, r.statusCode());
      assertTrue(r.body().contains("works with GitLab instance 'corp'"), r.body());
      assertEquals("corp", name(new RawMcp(gw.mcpUrl()).callTool(s, "get_project",
          new JsonObject().put("project_id", "g/x"))), "without a name in the path the session's own instance is used");
    }
  }

  @Test
  void should_list_instances_and_switch_a_server_token_session_to_another_one_with_a_list_changed_notice() {
    try (TestGateway gw = gateway()) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();

      String listed = RawMcp.text(mcp.callTool(s, "list_instances", new JsonObject()));
      assertTrue(listed.contains("\"name\":\"corp\"") && listed.contains("\"current\":true"), listed);
      assertTrue(listed.contains("\"name\":\"gitlab-com\""), listed);

      JsonObject call = new JsonObject().put("jsonrpc", "2.0").put("id", 9).put("method", "tools/call")
          .put("params", new JsonObject().put("name", "switch_instance")
              .put("arguments", new JsonObject().put("instance", "gitlab-com")));
      HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), call.encode());
      assertTrue(r.body().contains("notifications/tools/list_changed"), r.body());
      assertTrue(RawMcp.text(RawMcp.lastMessage(r)).contains("now works with gitlab-com"));

      assertEquals("com", name(mcp.callTool(s, "get_project", new JsonObject().put("project_id", "g/x"))));
      assertTrue(RawMcp.isError(mcp.callTool(s, "switch_instance", new JsonObject().put("instance", "elsewhere"))));
    }
    com.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/projects/g%2Fx")).withHeader("PRIVATE-TOKEN", equalTo(COM_TOKEN)));
  }

  @Test
  void should_verify_a_callers_token_only_with_the_chosen_instance_and_refuse_to_switch_it() {
    try (TestGateway gw = gateway("auth.remoteAuthorization", "true")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl() + "/gitlab-com");
      Map<String, String> h = new LinkedHashMap<>(RawMcp.postHeaders());
      h.put("Authorization", "Bearer glpat-caller-cccccccccccccc");
      HttpResponse<String> init = mcp.post(h, RawMcp.initializeBody("2025-11-25"));
      assertEquals(200, init.statusCode(), init.body());
      String s = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
      h.put("Mcp-Session-Id", s);

      HttpResponse<String> sw = mcp.post(h, new JsonObject().put("jsonrpc", "2.0").put("id", 3).put("method", "tools/call")
          .put("params", new JsonObject().put("name", "switch_instance")
              .put("arguments", new JsonObject().put("instance", "corp"))).encode());
      JsonObject refused = RawMcp.lastMessage(sw);
      assertTrue(RawMcp.isError(refused));
      assertTrue(RawMcp.text(refused).contains("Reconnect to /mcp/corp"), RawMcp.text(refused));
    }
    assertEquals(0, corp.findAll(anyRequestedFor(anyUrl())).size(), "the caller's token never went to corp");
    com.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/user"))
        .withHeader("Authorization", equalTo("Bearer glpat-caller-cccccccccccccc")));
  }
}
