package dev.gitlabmcp.gateway.tools;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Which tools a session is offered and may run: the default set, toolsets from the settings and
 * from discover_tools, permission modes, the denied list and the project allowlist. Every refusal
 * happens at call time and GitLab never hears of the refused request.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ToolAccessTest {

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
  void reset() {
    gitlab.resetAll();
    gitlab.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody("{\"id\":1}")));
  }

  private static TestGateway gateway(String... settings) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < settings.length; i += 2) {
      m.put(settings[i], settings[i + 1]);
    }
    return TestGateway.start(gitlab.baseUrl(), m);
  }

  private static Set<String> toolNames(RawMcp mcp, String session) {
    JsonArray tools = mcp.request(session, "tools/list", null, 1).getJsonObject("result").getJsonArray("tools");
    Set<String> names = new TreeSet<>();
    tools.forEach(t -> names.add(((JsonObject) t).getString("name")));
    return names;
  }

  private static void assertRefused(JsonObject response, String... phrases) {
    assertTrue(RawMcp.isError(response), response.encode());
    for (String p : phrases) {
      assertTrue(RawMcp.text(response).contains(p), "<" + p + "> missing from: " + RawMcp.text(response));
    }
  }

  @Test
  void should_offer_the_core_tools_and_discover_tools_by_default_and_nothing_else() {
    try (TestGateway gw = gateway()) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      Set<String> names = toolNames(mcp, mcp.initialize());

      assertTrue(names.containsAll(List.of("list_merge_requests", "get_merge_request", "list_issues",
          "get_file_contents", "list_pipelines", "get_pipeline_job_output", "get_current_user", "discover_tools")), names.toString());
      assertFalse(names.contains("list_tags"));
      assertFalse(names.contains("delete_branch"));
      assertTrue(names.size() < 50, names.size() + " tools by default: " + names);
    }
  }

  @Test
  void should_refuse_a_tool_of_a_toolset_the_session_has_not_enabled_and_say_how_to_enable_it() {
    try (TestGateway gw = gateway()) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();

      assertRefused(mcp.callTool(s, "list_tags", new JsonObject().put("project_id", "a/b")),
          "toolset 'tags'", "discover_tools");
    }
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_enable_a_toolset_for_one_session_with_discover_tools_and_tell_the_client_its_list_changed() {
    try (TestGateway gw = gateway()) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      String other = mcp.initialize();

      JsonObject listing = mcp.callTool(s, "discover_tools", new JsonObject());
      assertFalse(RawMcp.isError(listing));
      assertTrue(RawMcp.text(listing).contains("\"toolset\":\"tags\""), RawMcp.text(listing));

      JsonObject call = new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("method", "tools/call")
          .put("params", new JsonObject().put("name", "discover_tools")
              .put("arguments", new JsonObject().put("enable", new JsonArray().add("tags"))));
      HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), call.encode());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\"method\":\"notifications/tools/list_changed\""), r.body());
      JsonObject result = RawMcp.lastMessage(r);
      assertFalse(RawMcp.isError(result));
      assertTrue(RawMcp.text(result).contains("list_tags"), RawMcp.text(result));

      assertTrue(toolNames(mcp, s).contains("list_tags"));
      assertFalse(RawMcp.isError(mcp.callTool(s, "list_tags", new JsonObject().put("project_id", "a/b"))));
      assertFalse(toolNames(mcp, other).contains("list_tags"), "another session keeps its own list");
      assertRefused(mcp.callTool(other, "list_tags", new JsonObject().put("project_id", "a/b")), "discover_tools");
      assertRefused(mcp.callTool(s, "discover_tools", new JsonObject().put("enable", new JsonArray().add("nope"))),
          "Unknown toolset(s): nope");
    }
    gitlab.verify(1, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_add_toolsets_and_tools_named_in_the_settings_and_the_legacy_switches() {
    try (TestGateway gw = gateway("tools.toolsets", "tags", "tools.tools", "get_wiki_page",
        "tools.usePipeline", "true")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      Set<String> names = toolNames(mcp, mcp.initialize());

      assertTrue(names.containsAll(List.of("list_tags", "protect_tag", "get_wiki_page", "list_pipeline_schedules")),
          names.toString());
      assertFalse(names.contains("list_wiki_pages"));
    }
  }

  @Test
  void should_refuse_every_write_in_read_only_mode_even_when_all_toolsets_are_enabled() {
    try (TestGateway gw = gateway("tools.toolsets", "all", "tools.permissionMode", "readonly")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      JsonArray tools = mcp.request(s, "tools/list", null, 1).getJsonObject("result").getJsonArray("tools");
      assertTrue(tools.size() > 100, "read tools of every toolset: " + tools.size());
      // execute_graphql is listed for its queries, but its hint stays "may write": clients auto-approve read tools.
      tools.stream().map(JsonObject.class::cast).filter(t -> !t.getString("name").equals("execute_graphql"))
          .forEach(t -> assertTrue(t.getJsonObject("annotations").getBoolean("readOnlyHint"), t.getString("name")));

      assertRefused(mcp.callTool(s, "create_branch", new JsonObject().put("project_id", "a/b").put("branch", "x")
          .put("ref", "main")), "read-only");
      assertRefused(mcp.callTool(s, "delete_branch", new JsonObject().put("project_id", "a/b")
          .put("branch_name", "x")), "read-only");
    }
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_allow_writes_but_refuse_deletions_and_cancellations_in_modify_mode() {
    try (TestGateway gw = gateway("tools.toolsets", "all", "tools.permissionMode", "modify")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      Set<String> names = toolNames(mcp, s);
      assertTrue(names.contains("create_branch"));
      assertFalse(names.contains("delete_branch"));
      assertFalse(names.contains("cancel_pipeline"));

      assertRefused(mcp.callTool(s, "delete_branch", new JsonObject().put("project_id", "a/b")
          .put("branch_name", "x")), "GITLAB_PERMISSION_MODE=modify");
      assertRefused(mcp.callTool(s, "cancel_pipeline", new JsonObject().put("project_id", "a/b")
          .put("pipeline_id", 3)), "GITLAB_PERMISSION_MODE=modify");
      assertRefused(mcp.callTool(s, "push_files", new JsonObject().put("project_id", "a/b").put("branch", "main")
          .put("commit_message", "tidy").put("files", new JsonArray()
              .add(new JsonObject().put("file_path", "new.txt").put("content", "x"))
              .add(new JsonObject().put("action", "delete").put("file_path", "old.txt")))),
          "files[].action=delete", "GITLAB_PERMISSION_MODE=modify");
      gitlab.verify(0, anyRequestedFor(anyUrl()));
      assertFalse(RawMcp.isError(mcp.callTool(s, "push_files", new JsonObject().put("project_id", "a/b")
          .put("branch", "main").put("commit_message", "add").put("files", new JsonArray()
              .add(new JsonObject().put("file_path", "new.txt").put("content", "x"))))), "creating files is a write");

      assertFalse(RawMcp.isError(mcp.callTool(s, "create_branch", new JsonObject().put("project_id", "a/b")
          .put("branch", "x").put("ref", "main"))));
    }
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/v4/projects/a%2Fb/repository/branches")));
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/v4/projects/a%2Fb/repository/commits")));
  }

  @Test
  void should_neither_offer_nor_run_tools_matching_the_denied_regex() {
    try (TestGateway gw = gateway("tools.toolsets", "all", "tools.deniedToolsRegex", "^delete_|^discover_tools$")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      Set<String> names = toolNames(mcp, s);
      assertTrue(names.stream().noneMatch(n -> n.startsWith("delete_")), names.toString());
      assertFalse(names.contains("discover_tools"));

      assertRefused(mcp.callTool(s, "delete_issue", new JsonObject().put("project_id", "a/b").put("issue_iid", 1)),
          "GITLAB_DENIED_TOOLS_REGEX");
      JsonObject discover = mcp.callTool(s, "discover_tools", new JsonObject());
      assertEquals(-32602, discover.getJsonObject("error").getInteger("code"));
    }
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_touch_only_allowed_projects_by_id_or_path() {
    try (TestGateway gw = gateway("tools.toolsets", "all", "tools.allowedProjectIds", "42, Group/Allowed")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      Set<String> names = toolNames(mcp, s);
      assertFalse(names.contains("list_groups"), "a tool about no single project cannot run under an allowlist");
      assertTrue(names.contains("get_current_user"), "a tool that touches no project still runs");

      assertRefused(mcp.callTool(s, "get_project", new JsonObject().put("project_id", "group/other")),
          "outside this gateway's allowed projects", "42, group/allowed");
      assertRefused(mcp.callTool(s, "get_project", new JsonObject().put("project_id", 43)), "'43'");
      assertRefused(mcp.callTool(s, "list_issues", new JsonObject()), "give project_id");
      assertRefused(mcp.callTool(s, "move_issue", new JsonObject().put("project_id", 42).put("issue_iid", 1)
          .put("to_project_id", 99)), "to_project_id");
      assertRefused(mcp.callTool(s, "list_groups", new JsonObject()), "GITLAB_ALLOWED_PROJECT_IDS");
      gitlab.verify(0, anyRequestedFor(anyUrl()));

      assertFalse(RawMcp.isError(mcp.callTool(s, "get_project", new JsonObject().put("project_id", "42"))));
      assertFalse(RawMcp.isError(mcp.callTool(s, "get_project", new JsonObject().put("project_id", "group/allowed"))));
      assertFalse(RawMcp.isError(mcp.callTool(s, "get_project", new JsonObject().put("project_id", "group%2FAllowed"))));
      assertFalse(RawMcp.isError(mcp.callTool(s, "get_current_user", new JsonObject())));
    }
    gitlab.verify(4, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_refuse_to_start_when_the_settings_name_an_unknown_toolset_or_tool() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> gateway("tools.toolsets", "pipelines,pipeline", "tools.tools", "get_everything").close());

    String message = String.valueOf(e.getCause().getCause() == null ? e.getCause() : e.getCause().getCause());
    assertTrue(message.contains("unknown toolsets [pipeline]"), message);
    assertTrue(message.contains("known: all, core, projects"), message);
    assertTrue(message.contains("unknown tools [get_everything]"), message);
  }

  @Test
  void should_create_a_file_when_updating_it_finds_none() {
    gitlab.resetAll();
    String path = "/api/v4/projects/a%2Fb/repository/files/docs%2Fnew.md";
    gitlab.stubFor(put(urlPathEqualTo(path)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"A file with this name doesn't exist\"}")));
    gitlab.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"file_path\":\"docs/new.md\",\"branch\":\"main\"}")));
    try (TestGateway gw = gateway()) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      JsonObject r = mcp.callTool(s, "create_or_update_file", new JsonObject().put("project_id", "a/b")
          .put("file_path", "docs/new.md").put("branch", "main").put("content", "# New").put("commit_message", "Add"));

      assertFalse(RawMcp.isError(r), RawMcp.text(r));
      assertTrue(RawMcp.text(r).contains("docs/new.md"));
    }
    String body = "{\"branch\":\"main\",\"content\":\"# New\",\"commit_message\":\"Add\"}";
    gitlab.verify(1, putRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson(body, true, true)));
    gitlab.verify(1, postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson(body, true, true)));
  }

  @Test
  void should_not_fall_back_when_gitlab_refuses_an_update_for_another_reason() {
    gitlab.resetAll();
    gitlab.stubFor(put(urlPathEqualTo("/api/v4/projects/a%2Fb/repository/files/f.txt")).willReturn(aResponse()
        .withStatus(400).withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"You can only create or edit files when you are on a branch\"}")));
    try (TestGateway gw = gateway()) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      JsonObject r = mcp.callTool(s, "create_or_update_file", new JsonObject().put("project_id", "a/b")
          .put("file_path", "f.txt").put("branch", "v1.0").put("content", "x").put("commit_message", "c"));

      assertRefused(r, "400", "only create or edit files when you are on a branch");
    }
    gitlab.verify(1, anyRequestedFor(anyUrl()));
  }
  private static JsonObject graphql(String document) {
    return new JsonObject().put("query", document);
  }

  private static void graphqlAnswers(String body) {
    gitlab.stubFor(post(urlPathEqualTo("/api/graphql")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(body)));
  }

  @Test
  void should_run_a_graphql_query_in_readonly_mode_but_refuse_a_mutation_before_gitlab_hears_of_it() {
    graphqlAnswers("{\"data\":{\"currentUser\":{\"username\":\"jane\"}}}");
    try (TestGateway gw = gateway("tools.toolsets", "all", "tools.permissionMode", "readonly")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      assertTrue(toolNames(mcp, s).contains("execute_graphql"));

      JsonObject query = mcp.callTool(s, "execute_graphql", graphql("query { currentUser { username } }"));
      assertFalse(RawMcp.isError(query), query.encode());
      assertTrue(RawMcp.text(query).contains("jane"), RawMcp.text(query));
      gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")));

      gitlab.resetRequests();
      assertRefused(mcp.callTool(s, "execute_graphql",
          graphql("# only a comment says query\nmutation { awardEmojiAdd(input: {awardableId: \"gid://gitlab/Issue/1\", name: \"x\"}) { errors } }")),
          "read-only");
      assertRefused(mcp.callTool(s, "execute_graphql", graphql("query { a } mutation { b }")), "read-only");
      assertRefused(mcp.callTool(s, "execute_graphql", graphql("query { unbalanced ")), "read-only");
    }
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_refuse_a_deleting_graphql_mutation_in_modify_mode_and_send_others() {
    graphqlAnswers("{\"data\":{\"awardEmojiAdd\":{\"errors\":[]}}}");
    try (TestGateway gw = gateway("tools.toolsets", "all", "tools.permissionMode", "modify")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();

      assertRefused(mcp.callTool(s, "execute_graphql",
          graphql("mutation { destroyNote(input: {id: \"gid://gitlab/Note/1\"}) { errors } }")), "modify");
      gitlab.verify(0, anyRequestedFor(anyUrl()));

      JsonObject add = mcp.callTool(s, "execute_graphql",
          graphql("mutation { awardEmojiAdd(input: {awardableId: \"gid://gitlab/Issue/1\", name: \"x\"}) { errors } }"));
      assertFalse(RawMcp.isError(add), add.encode());
    }
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")));
  }

  @Test
  void should_refuse_raw_graphql_under_a_project_allowlist_because_it_can_reach_any_project() {
    try (TestGateway gw = gateway("tools.toolsets", "all", "tools.allowedProjectIds", "42")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();

      assertFalse(toolNames(mcp, s).contains("execute_graphql"));
      assertRefused(mcp.callTool(s, "execute_graphql", graphql("query { project(fullPath: \"other/secret\") { id } }")),
          "not limited to one project");
    }
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_answer_graphql_errors_as_a_tool_error_not_as_data() {
    graphqlAnswers("{\"data\":null,\"errors\":[{\"message\":\"Field 'nope' doesn't exist on type 'Query'\"}]}");
    try (TestGateway gw = gateway("tools.toolsets", "all")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();

      assertRefused(mcp.callTool(s, "execute_graphql", graphql("{ nope }")), "GraphQL API refused execute_graphql",
          "Field 'nope' doesn't exist");
      assertRefused(mcp.callTool(s, "get_work_item", new JsonObject().put("project_id", "group/project").put("iid", 7)),
          "doesn't exist");
    }
  }

  @Test
  void should_say_a_graphql_tool_found_nothing_when_the_project_is_unknown() {
    graphqlAnswers("{\"data\":{\"project\":null}}");
    try (TestGateway gw = gateway("tools.toolsets", "all")) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();

      assertRefused(mcp.callTool(s, "get_work_item", new JsonObject().put("project_id", "group/gone").put("iid", 7)),
          "found nothing for get_work_item", "full path");
      assertRefused(mcp.callTool(s, "list_work_items", new JsonObject().put("project_id", "42")), "project_id");
    }
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")));
  }
}
