package dev.gitlabmcp.gateway.config;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** GITLAB_PROJECT_ID as users of the other GitLab MCP server know it: the project of a call that names none. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DefaultProjectTest {

  private static WireMockServer gitlab;
  private static TestGateway gateway;
  private static RawMcp mcp;
  private static String session;

  @BeforeAll
  static void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    gateway = TestGateway.start(gitlab.baseUrl(), Map.of("tools.defaultProject", "team/app"));
    mcp = new RawMcp(gateway.mcpUrl());
    session = mcp.initialize();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    gitlab.stop();
  }

  @BeforeEach
  void answer() {
    gitlab.resetAll();
    gitlab.stubFor(get(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody("{\"id\": 7, \"name\": \"app\", \"path_with_namespace\": \"team/app\"}")));
  }

  @Test
  void should_use_GITLAB_PROJECT_ID_when_a_tool_that_needs_a_project_is_called_without_one() {
    JsonObject response = mcp.callTool(session, "get_project", new JsonObject());

    assertFalse(RawMcp.isError(response), response.encode());
    assertTrue(RawMcp.text(response).contains("team/app"), response.encode());
    assertEquals(1, gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/projects/team%2Fapp"))).size());
  }

  @Test
  void should_prefer_the_project_the_call_names() {
    JsonObject response = mcp.callTool(session, "get_project", new JsonObject().put("project_id", "other/lib"));

    assertFalse(RawMcp.isError(response), response.encode());
    assertEquals(1, gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/projects/other%2Flib"))).size());
    assertEquals(0, gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/projects/team%2Fapp"))).size());
  }

  @Test
  void should_keep_the_wider_meaning_of_a_tool_whose_project_is_an_optional_filter() {
    gitlab.stubFor(get(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("[]")));

    JsonObject response = mcp.callTool(session, "list_merge_requests", new JsonObject());

    assertFalse(RawMcp.isError(response), response.encode());
    assertEquals(1, gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/merge_requests"))).size());
  }

  @Test
  void should_refuse_a_default_project_outside_the_allowed_projects() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ConfigLoader.withoutDefaultFile(Map.of(),
            Map.of("GITLAB_PROJECT_ID", "team/app", "GITLAB_ALLOWED_PROJECT_IDS", "team/lib,42"))
            .load(GatewayConfig.Mode.HTTP));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("GITLAB_PROJECT_ID (tools.defaultProject) team/app is not one of "
        + "GITLAB_ALLOWED_PROJECT_IDS (team/lib, 42)"), e.problems().get(0));
  }

  @Test
  void should_take_the_only_allowed_project_as_the_default_as_the_other_server_does() {
    GatewayConfig cfg = ConfigLoader.withoutDefaultFile(Map.of(), Map.of("GITLAB_ALLOWED_PROJECT_IDS", "team/lib"))
        .load(GatewayConfig.Mode.HTTP).config();

    assertEquals("team/lib", cfg.tools().effectiveDefaultProject());
  }
}
