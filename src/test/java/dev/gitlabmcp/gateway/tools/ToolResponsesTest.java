package dev.gitlabmcp.gateway.tools;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** What the model reads from the main tools: secrets never, logs from the end, structured lists with paging. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ToolResponsesTest {

  private static WireMockServer gitlab;
  private static TestGateway gateway;
  private static RawMcp mcp;
  private static String session;

  @BeforeAll
  static void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    gateway = TestGateway.start(gitlab.baseUrl(), Map.of("tools.toolsets", "all", "tools.maxOutputChars", "2000",
        "gitlab.maxResponseBytes", String.valueOf(8 * 1024 * 1024)));
    mcp = new RawMcp(gateway.mcpUrl());
    session = mcp.initialize();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    gitlab.stop();
  }

  @Test
  void should_never_show_the_value_of_a_masked_ci_variable_even_in_the_full_response() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/a%2Fb/variables")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody("[{\"key\":\"DEPLOY_KEY\",\"value\":\"s3cr3t-deploy\","
            + "\"masked\":true,\"protected\":true},{\"key\":\"REGION\",\"value\":\"eu-west-1\",\"masked\":false}]")));

    String slim = RawMcp.text(mcp.callTool(session, "list_project_variables", new JsonObject().put("project_id", "a/b")));
    String full = RawMcp.text(mcp.callTool(session, "list_project_variables", new JsonObject().put("project_id", "a/b")
        .put("full_response", true)));

    assertTrue(slim.contains("DEPLOY_KEY") && !slim.contains("eu-west-1"), "the slim answer has no values: " + slim);
    assertFalse(full.contains("s3cr3t-deploy"), full);
    assertTrue(full.contains("eu-west-1"), "an unmasked value is shown on request: " + full);
  }

  @Test
  void should_show_the_end_of_a_long_job_log_as_untrusted_text_and_page_back_on_request() {
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 400; i++) {
      log.append("\u001b[0;33mstep ").append(i).append(" ok\u001b[0m\n");
    }
    log.append("ERROR: tests failed\n");
    gitlab.stubFor(get(urlEqualTo("/api/v4/projects/42/jobs/7/trace")).willReturn(aResponse()
        .withHeader("Content-Type", "text/plain").withBody(log.toString())));

    String tail = RawMcp.text(mcp.callTool(session, "get_pipeline_job_output", new JsonObject().put("project_id", 42)
        .put("job_id", 7)));
    String head = RawMcp.text(mcp.callTool(session, "get_pipeline_job_output", new JsonObject().put("project_id", 42)
        .put("job_id", 7).put("start_line", 1).put("max_lines", 3)));

    assertTrue(tail.contains("<untrusted-content"), tail);
    assertTrue(tail.contains("ERROR: tests failed\n"), tail);
    assertFalse(tail.contains("step 1 ok"), tail);
    assertTrue(tail.contains("of 401. Earlier lines: call again with start_line="), tail);
    assertTrue(head.contains("step 1 ok\nstep 2 ok\nstep 3 ok\n[Showing lines 1-3 of 401. Later lines: call again "
        + "with start_line=4.]"), head);
    gitlab.verify(2, getRequestedFor(urlEqualTo("/api/v4/projects/42/jobs/7/trace")));
  }

  @Test
  void should_return_merge_requests_as_structured_content_with_gitlabs_paging() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/g%2Fp/merge_requests")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withHeader("X-Page", "2").withHeader("X-Per-Page", "1")
        .withHeader("X-Next-Page", "3").withHeader("X-Total", "5").withHeader("X-Total-Pages", "5")
        .withBody("[{\"id\":9,\"iid\":4,\"title\":\"Fix login\",\"state\":\"opened\",\"author\":{\"username\":\"ann\","
            + "\"avatar_url\":\"x\"},\"_links\":{\"self\":\"y\"}}]")));

    JsonObject result = mcp.callTool(session, "list_merge_requests", new JsonObject().put("project_id", "g/p")
        .put("page", 2).put("per_page", 1)).getJsonObject("result");

    JsonObject structured = result.getJsonObject("structuredContent");
    JsonObject mr = structured.getJsonArray("items").getJsonObject(0);
    assertEquals(4, mr.getInteger("iid"));
    assertEquals(new JsonObject().put("username", "ann"), mr.getJsonObject("author"));
    assertFalse(mr.containsKey("_links"));
    assertEquals(new JsonObject().put("page", 2).put("per_page", 1).put("next_page", 3).put("total", 5)
        .put("total_pages", 5), structured.getJsonObject("pagination"));
    JsonArray content = result.getJsonArray("content");
    assertTrue(content.getJsonObject(0).getString("text").contains(structured.encode()), "the same JSON as text");
  }

  @Test
  void should_keep_the_text_and_the_structured_content_of_a_5_mb_issue_within_the_output_budget() {
    String description = "Steps to reproduce: " + "x".repeat(5 * 1024 * 1024);
    gitlab.stubFor(get(urlEqualTo("/api/v4/projects/7/issues/3")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody(new JsonObject().put("id", 93).put("iid", 3)
            .put("title", "Crash on start").put("description", description).put("state", "opened").encode())));

    JsonObject result = mcp.callTool(session, "get_issue", new JsonObject().put("project_id", 7).put("issue_iid", 3))
        .getJsonObject("result");

    JsonObject structured = result.getJsonObject("structuredContent");
    String text = result.getJsonArray("content").getJsonObject(0).getString("text");
    assertTrue(structured.encode().length() <= 2000, "structuredContent of " + structured.encode().length() + " chars");
    assertTrue(text.length() <= 2000 + 800, "text of " + text.length() + " chars");
    assertEquals(3, structured.getInteger("iid"));
    assertEquals("Crash on start", structured.getString("title"));
    assertTrue(structured.getString("description").startsWith("Steps to reproduce: xxx"));
    assertTrue(structured.getString("description").endsWith(" of " + description.length() + " characters]"),
        structured.getString("description"));
    assertTrue(text.contains("[structuredContent is shortened to the same 2000-character budget"), text);
  }
}
