package dev.gitlabmcp.gateway.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** A Community Edition instance has no paid features: their tools are neither listed nor run there. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EditionGatingTest {

  private WireMockServer ce;
  private WireMockServer ee;

  @BeforeEach
  void start() {
    ce = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    ee = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    ce.start();
    ee.start();
    ce.stubFor(get(urlPathEqualTo("/api/v4/metadata")).willReturn(aResponse().withHeader("Content-Type",
        "application/json").withBody("{\"version\":\"17.4.2\",\"revision\":\"abc\",\"enterprise\":false}")));
    ee.stubFor(get(urlPathEqualTo("/api/v4/metadata")).willReturn(aResponse().withHeader("Content-Type",
        "application/json").withBody("{\"version\":\"17.4.2-ee\",\"revision\":\"abc\",\"enterprise\":true}")));
    ee.stubFor(get(urlPathMatching("/api/v4/groups/.*/epics")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody("[]")));
  }

  @AfterEach
  void stop() {
    ce.stop();
    ee.stop();
  }

  private static boolean lists(RawMcp mcp, String session, String tool) {
    return mcp.request(session, "tools/list", null, 1).encode().contains("\"name\":\"" + tool + "\"");
  }

  @Test
  void should_hide_and_refuse_paid_tools_on_community_edition_and_keep_them_on_enterprise_edition() throws Exception {
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9", Map.of("gitlab.instances",
        "ee=" + ee.baseUrl() + " ce=" + ce.baseUrl(), "tools.toolsets", "all", "gitlab.backgroundChecks", "true"),
        Map.of("GITLAB_PERSONAL_ACCESS_TOKEN_CE", "glpat-ce-00000000000000", "GITLAB_PERSONAL_ACCESS_TOKEN_EE",
            "glpat-ee-00000000000000"))) {
      RawMcp onCe = new RawMcp(gw.mcpUrl() + "/ce");
      RawMcp onEe = new RawMcp(gw.mcpUrl() + "/ee");
      String sCe = onCe.initialize();
      String sEe = onEe.initialize();

      long deadline = System.currentTimeMillis() + 10_000;
      while (lists(onCe, sCe, "list_epics") && System.currentTimeMillis() < deadline) {
        Thread.sleep(100); // the edition is learned in the background right after start
      }
      assertFalse(lists(onCe, sCe, "list_epics"), "epics need Premium: not offered on Community Edition");
      assertTrue(lists(onCe, sCe, "list_issues"));
      JsonObject refused = onCe.callTool(sCe, "list_epics", new JsonObject().put("group_id", "acme"));
      assertTrue(RawMcp.isError(refused));
      assertTrue(RawMcp.text(refused).contains("needs GitLab Premium")
          && RawMcp.text(refused).contains("Community Edition (17.4.2)"), RawMcp.text(refused));

      assertTrue(lists(onEe, sEe, "list_epics"));
      assertFalse(RawMcp.isError(onEe.callTool(sEe, "list_epics", new JsonObject().put("group_id", "acme"))));
    }
    ce.verify(0, anyRequestedFor(urlPathMatching("/api/v4/groups/.*")));
  }

  @Test
  void should_hide_and_refuse_a_tool_whose_endpoint_is_newer_than_the_instance() throws Exception {
    ee.stubFor(get(urlPathEqualTo("/api/v4/metadata")).willReturn(aResponse().withHeader("Content-Type",
        "application/json").withBody("{\"version\":\"15.2.1-ee\",\"revision\":\"abc\",\"enterprise\":true}")));
    try (TestGateway gw = TestGateway.start(ee.baseUrl(), Map.of("gitlab.backgroundChecks", "true"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();

      long deadline = System.currentTimeMillis() + 10_000;
      while (lists(mcp, s, "get_merge_request_diffs") && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(lists(mcp, s, "get_merge_request_diffs"), "GET .../diffs exists from GitLab 15.7");
      assertTrue(lists(mcp, s, "get_merge_request"));
      JsonObject refused = mcp.callTool(s, "get_merge_request_diffs", new JsonObject().put("project_id", "a/b")
          .put("merge_request_iid", 1));
      assertTrue(RawMcp.isError(refused));
      assertTrue(RawMcp.text(refused).contains("needs GitLab 15.7 or later, and instance default runs 15.2.1-ee"),
          RawMcp.text(refused));
    }
    ee.verify(0, anyRequestedFor(urlPathMatching("/api/v4/projects/.*")));
  }
}
