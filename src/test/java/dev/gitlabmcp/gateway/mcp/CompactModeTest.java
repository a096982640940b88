package dev.gitlabmcp.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** GITLAB_TOOL_LIST_MODE=compact: three meta-tools reach the catalog with the same checks as direct calls. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CompactModeTest {

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
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/acme%2Fapp")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":7,\"name\":\"app\",\"path_with_namespace\":\"acme/app\"}")));
  }

  private static JsonObject call(RawMcp mcp, String s, String tool, JsonObject args) {
    return mcp.callTool(s, tool, args);
  }

  @Test
  void should_list_only_the_meta_tools_and_reach_every_tool_through_them() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("tools.listMode", "compact"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      List<String> names = mcp.request(s, "tools/list", new JsonObject(), 2).getJsonObject("result")
          .getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")).toList();
      assertEquals(List.of("find_tools", "describe_tool", "call_tool", "discover_tools"), names);

      String found = RawMcp.text(call(mcp, s, "find_tools", new JsonObject().put("query", "merge request note")));
      assertTrue(found.contains("create_merge_request_note"), found);

      String described = RawMcp.text(call(mcp, s, "describe_tool", new JsonObject().put("name", "get_project")));
      assertTrue(new JsonObject(described).getJsonObject("inputSchema").getJsonObject("properties")
          .containsKey("project_id"), described);

      JsonObject viaMeta = call(mcp, s, "call_tool", new JsonObject().put("name", "get_project")
          .put("arguments", new JsonObject().put("project_id", "acme/app")));
      JsonObject direct = call(mcp, s, "get_project", new JsonObject().put("project_id", "acme/app"));
      assertFalse(RawMcp.isError(viaMeta), viaMeta.encode());
      assertTrue(RawMcp.text(viaMeta).contains("acme/app"));
      assertEquals(direct.getJsonObject("result").getJsonObject("structuredContent"),
          viaMeta.getJsonObject("result").getJsonObject("structuredContent"), "the same result as a direct call");
    }
  }

  @Test
  void should_apply_the_permission_mode_to_calls_through_call_tool() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("tools.listMode", "compact",
        "tools.permissionMode", "readonly"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      JsonObject refused = call(mcp, s, "call_tool", new JsonObject().put("name", "create_issue")
          .put("arguments", new JsonObject().put("project_id", "acme/app").put("title", "x")));
      assertTrue(RawMcp.isError(refused));
      assertTrue(RawMcp.text(refused).contains("read-only"), RawMcp.text(refused));
      JsonObject loop = call(mcp, s, "call_tool", new JsonObject().put("name", "call_tool"));
      assertTrue(RawMcp.isError(loop), "call_tool does not call the meta-tools");
      String missing = RawMcp.text(call(mcp, s, "describe_tool", new JsonObject().put("name", "create_issue")));
      assertTrue(missing.contains("No tool named"), "a tool this caller cannot call is not described: " + missing);
      gitlab.verify(0, anyRequestedFor(anyUrl()));
    }
  }
}
