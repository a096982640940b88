package dev.gitlabmcp.gateway.tier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.gitlabmcp.gateway.tier.TierDetectorVerticleTest.graphqlFor;
import static dev.gitlabmcp.gateway.tier.TierDetectorVerticleTest.json;
import static dev.gitlabmcp.gateway.tier.TierDetectorVerticleTest.namespace;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.HeldResponses;
import dev.gitlabmcp.gateway.testing.Poll;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** What a model sees when it calls a Premium or Ultimate tool on a namespace of each plan. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TierGatingTest {

  private WireMockServer gitlab;
  private final HeldResponses held = new HeldResponses();
  private TestGateway gw;
  private RawMcp mcp;
  private String session;

  @BeforeEach
  void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .extensions(held));
    gitlab.start();
    gitlab.stubFor(graphqlFor("acme").willReturn(json(namespace("acme", "free", false, false))));
    gitlab.stubFor(graphqlFor("mid").willReturn(json(namespace("mid", "premium", true, false))));
    gitlab.stubFor(graphqlFor("big").willReturn(json(namespace("big", "ultimate", true, true))));
    gitlab.stubFor(graphqlFor("hidden").willReturn(json("{\"data\":{\"namespace\":null}}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42")).willReturn(json(
        "{\"id\":42,\"path_with_namespace\":\"mid/app\"}")));
    gitlab.stubFor(get(urlPathMatching("/api/v4/groups/[^/]+/epics")).willReturn(json("[]")));
    gitlab.stubFor(get(urlPathMatching("/api/v4/projects/[^/]+/vulnerabilities")).willReturn(json("[]")));
    gitlab.stubFor(get(urlPathMatching("/api/v4/projects/[^/]+/issues")).willReturn(json("[]")));
    // A generous lookup deadline: on a loaded machine GitLab's (WireMock's) answer must never lose a race.
    gw = TestGateway.start(gitlab.baseUrl(), Map.of("tools.toolsets", "all", "tier.lookupTimeoutMs", "30000"));
    mcp = new RawMcp(gw.mcpUrl());
    session = mcp.initialize();
  }

  @AfterEach
  void stop() {
    held.release();
    gw.close();
    gitlab.stop();
  }

  @Test
  void should_refuse_epics_on_a_free_group_without_calling_gitlab() {
    JsonObject r = mcp.callTool(session, "list_epics", new JsonObject().put("group_id", "acme"));

    assertTrue(RawMcp.isError(r));
    assertTrue(RawMcp.text(r).startsWith("List epics (list_epics) needs GitLab Premium or higher; group acme is on Free "
        + "(GitLab plan: free)."), RawMcp.text(r));
    gitlab.verify(0, getRequestedFor(urlPathMatching("/api/v4/groups/.*")));
  }

  @Test
  void should_refuse_an_ultimate_tool_on_a_premium_project_named_by_its_id() {
    JsonObject r = mcp.callTool(session, "list_project_vulnerabilities", new JsonObject().put("project_id", 42));

    assertTrue(RawMcp.isError(r));
    assertTrue(RawMcp.text(r).contains("needs GitLab Ultimate; project 42 (top-level namespace mid) is on Premium"),
        RawMcp.text(r));
    gitlab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/projects/42/vulnerabilities")));
  }

  @Test
  void should_pass_through_when_the_tier_suffices_and_reuse_the_plan() {
    JsonObject epics = mcp.callTool(session, "list_epics", new JsonObject().put("group_id", "big/sub"));
    JsonObject vulns = mcp.callTool(session, "list_project_vulnerabilities",
        new JsonObject().put("project_id", "big/app"));
    JsonObject premiumOnPremium = mcp.callTool(session, "list_epics", new JsonObject().put("group_id", "mid"));

    assertFalse(RawMcp.isError(epics), RawMcp.text(epics));
    assertFalse(RawMcp.isError(vulns), RawMcp.text(vulns));
    assertFalse(RawMcp.isError(premiumOnPremium), RawMcp.text(premiumOnPremium));
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/groups/big%2Fsub/epics")));
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/projects/big%2Fapp/vulnerabilities")));
    gitlab.verify(2, postRequestedFor(urlPathEqualTo("/api/graphql"))); // big once (cached), mid once
  }

  @Test
  void should_explain_a_403_of_a_paid_tool_when_the_plan_is_unknown_and_keep_gitlabs_message() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/hidden/epics")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"403 Forbidden\"}")));

    JsonObject r = mcp.callTool(session, "list_epics", new JsonObject().put("group_id", "hidden"));

    assertTrue(RawMcp.isError(r));
    String text = RawMcp.text(r);
    assertTrue(text.startsWith("List epics (list_epics) may need GitLab Premium or higher, and the gateway could not "
        + "learn the plan of group hidden; GitLab answered 403 Forbidden: 403 Forbidden."), text);
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/groups/hidden/epics")));
  }

  @Test
  void should_not_look_up_plans_for_free_tools() {
    JsonObject r = mcp.callTool(session, "list_issues", new JsonObject().put("project_id", "acme/app"));

    assertFalse(RawMcp.isError(r), RawMcp.text(r));
    gitlab.verify(0, postRequestedFor(urlPathEqualTo("/api/graphql")));
  }

  @Test
  void should_go_ahead_without_a_plan_when_gitlab_is_slow_to_tell() {
    // GitLab holds the plan back until the call is over: had the call waited for it, it would never end
    // (and "free" would have refused it).
    gitlab.stubFor(graphqlFor("slow")
        .willReturn(json(namespace("slow", "free", false, false)).withTransformers(HeldResponses.NAME)));

    JsonObject r = mcp.callTool(session, "list_epics", new JsonObject().put("group_id", "slow"));

    assertFalse(RawMcp.isError(r), RawMcp.text(r));
    Poll.until(() -> held.arrived() == 1, "the plan to be asked for");
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/groups/slow/epics")));
    held.release();
  }
}
