package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The prompts a user picks in their client: listed with their arguments, filled in, refused when incomplete. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PromptsTest {

  private static TestGateway gateway;
  private static RawMcp mcp;
  private static String session;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start("http://127.0.0.1:9", Map.of());
    mcp = new RawMcp(gateway.mcpUrl());
    session = mcp.initialize();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void should_announce_the_prompts_capability_and_list_both_prompts_with_their_arguments() {
    JsonObject init = RawMcp.lastMessage(mcp.post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25")));
    assertNotNull(init.getJsonObject("result").getJsonObject("capabilities").getJsonObject("prompts"));

    JsonArray prompts = mcp.request(session, "prompts/list", null, 1).getJsonObject("result").getJsonArray("prompts");
    assertEquals(2, prompts.size());
    JsonObject review = prompts.getJsonObject(0);
    assertEquals("review_merge_request", review.getString("name"));
    assertEquals("project_id", review.getJsonArray("arguments").getJsonObject(0).getString("name"));
    assertTrue(review.getJsonArray("arguments").getJsonObject(0).getBoolean("required"));
    assertEquals("triage_failed_pipeline", prompts.getJsonObject(1).getString("name"));
  }

  @Test
  void should_fill_in_the_review_prompt_with_the_merge_request_and_the_tools_to_use() {
    JsonObject r = mcp.request(session, "prompts/get", new JsonObject().put("name", "review_merge_request")
        .put("arguments", new JsonObject().put("project_id", "group/app").put("merge_request_iid", "17")
            .put("focus", "security")), 2).getJsonObject("result");

    JsonObject message = r.getJsonArray("messages").getJsonObject(0);
    assertEquals("user", message.getString("role"));
    String text = message.getJsonObject("content").getString("text");
    assertTrue(text.contains("merge request !17 in project group/app"), text);
    assertTrue(text.contains("get_merge_request_diffs") && text.contains("mr_discussions"), text);
    assertTrue(text.contains("Pay most attention to: security."), text);
    assertTrue(!text.contains("{"), "no placeholder left: " + text);
  }

  @Test
  void should_fill_in_the_triage_prompt_for_the_latest_failed_pipeline_of_a_branch() {
    JsonObject r = mcp.request(session, "prompts/get", new JsonObject().put("name", "triage_failed_pipeline")
        .put("arguments", new JsonObject().put("project_id", "42").put("ref", "main")), 3).getJsonObject("result");

    String text = r.getJsonArray("messages").getJsonObject(0).getJsonObject("content").getString("text");
    assertTrue(text.contains("the latest failed pipeline on main in project 42"), text);
    assertTrue(text.contains("list_pipelines with status failed and ref main"), text);
    assertTrue(text.contains("get_pipeline_job_output"), text);
  }

  @Test
  void should_refuse_a_missing_required_argument_and_an_unknown_prompt_with_invalid_params() {
    JsonObject missing = mcp.request(session, "prompts/get", new JsonObject().put("name", "review_merge_request")
        .put("arguments", new JsonObject().put("project_id", "a/b")), 4);
    assertEquals(-32602, missing.getJsonObject("error").getInteger("code"));
    assertTrue(missing.getJsonObject("error").getString("message").contains("merge_request_iid"));

    JsonObject unknown = mcp.request(session, "prompts/get", new JsonObject().put("name", "write_my_code"), 5);
    assertEquals(-32602, unknown.getJsonObject("error").getInteger("code"));
    assertTrue(unknown.getJsonObject("error").getString("message").contains("review_merge_request"));
  }
}
