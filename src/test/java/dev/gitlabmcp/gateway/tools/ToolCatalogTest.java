package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The tool catalog: what tools/list shows a client, and how a broken catalog is reported to the
 * engineer who edits the yaml (file and tool named, every problem at once).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
class ToolCatalogTest {

  private static ToolCatalog catalog;
  private static Vertx vertx;

  @BeforeAll
  static void loadRealCatalog(Vertx v) {
    vertx = v;
    catalog = ToolCatalog.load(vertx);
  }

  // ---- the real catalog

  @Test
  void a_preloaded_catalog_is_the_same_catalog_and_is_taken_once() {
    ToolCatalog.preload();
    ToolCatalog preloaded = ToolCatalog.load(vertx);
    assertEquals(catalog.all().stream().map(ToolDefinition::name).toList(),
        preloaded.all().stream().map(ToolDefinition::name).toList());
    assertEquals(catalog.get("get_project").inputSchema(), preloaded.get("get_project").inputSchema());
    assertTrue(ToolCatalog.load(vertx) != preloaded, "the next load reads the catalog anew");
  }

  @Test
  void should_load_every_tool_listed_in_the_yaml_files_once() throws IOException {
    List<String> inYaml = new ArrayList<>();
    Map<?, ?> index = yaml(ToolCatalog.INDEX);
    for (Object file : (List<?>) index.get("toolsets")) {
      for (Object tool : (List<?>) yaml("tools/" + file).get("tools")) {
        inYaml.add(String.valueOf(((Map<?, ?>) tool).get("name")));
      }
    }
    List<String> names = catalog.all().stream().map(t -> t.descriptor().getString("name")).toList();

    assertEquals(new HashSet<>(inYaml).size(), inYaml.size(), "a tool name repeats in the yaml: " + inYaml);
    assertEquals(inYaml.size(), names.size(), "catalog " + names + " vs yaml " + inYaml);
    assertEquals(Set.copyOf(inYaml), Set.copyOf(names));
    assertTrue(names.size() >= 6, names.toString());
  }

  @Test
  void should_offer_the_tool_names_users_know_from_other_gitlab_mcp_servers() {
    List<String> known = List.of("get_project", "list_projects", "list_namespaces", "list_group_projects",
        "get_file_contents", "create_or_update_file", "push_files", "get_repository_tree", "list_branches",
        "create_branch", "list_commits", "get_commit", "get_commit_diff", "list_merge_requests", "get_merge_request",
        "create_merge_request", "update_merge_request", "merge_merge_request", "get_merge_request_diffs",
        "create_merge_request_note", "mr_discussions", "list_issues", "get_issue", "create_issue", "update_issue",
        "create_issue_note", "list_labels", "list_milestones", "list_pipelines", "get_pipeline", "list_pipeline_jobs",
        "get_pipeline_job_output", "retry_pipeline", "cancel_pipeline", "list_environments", "list_deployments",
        "list_wiki_pages", "get_wiki_page", "list_releases", "create_release", "list_tags", "get_users", "list_events",
        "search_code");
    List<String> missing = known.stream().filter(n -> catalog.get(n) == null).toList();

    assertTrue(missing.isEmpty(), "missing: " + missing);
    assertTrue(catalog.all().size() >= 200, catalog.all().size() + " tools");
    assertEquals("projects", catalog.get("get_project").toolset());
    assertTrue(catalog.get("merge_merge_request").traits().core());
  }

  @Test
  void should_give_every_toolset_a_description_and_every_paid_feature_its_tier() {
    for (ToolCatalog.Toolset ts : catalog.toolsets().values()) {
      assertFalse(ts.description() == null || ts.description().isBlank() || ts.description().equals("TODO"), ts.name());
      assertFalse(ts.tools().isEmpty(), ts.name());
    }
    for (String name : catalog.toolsets().get("epics").tools()) {
      assertEquals("premium", catalog.get(name).tier(), name);
    }
    for (String name : catalog.toolsets().get("vulnerabilities").tools()) {
      assertEquals("ultimate", catalog.get(name).tier(), name);
    }
  }

  @Test
  void should_pass_the_official_json_schema_meta_schema_with_every_input_and_output_schema() {
    assertEquals(List.of(), ToolCatalog.metaSchemaProblems(vertx, catalog));
  }

  @Test
  void should_report_schema_problems_in_nested_items_with_their_location() {
    List<String> problems = SchemaCheck.problems(new JsonObject("{\"type\":\"object\",\"properties\":{\"files\":"
        + "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"path\"],\"properties\":"
        + "{\"file_path\":{\"type\":\"text\"}},\"minItems\":-1}}}}"));

    assertEquals(List.of("/properties/files/items: required property 'path' is not declared",
        "/properties/files/items/properties/file_path: type must be one of [string, integer, number, boolean, array, object, null]",
        "/properties/files/items: minItems must be a whole number >= 0").stream().sorted().toList(),
        problems.stream().sorted().toList());
  }

  @Test
  void should_describe_every_tool() {
    for (ToolDefinition t : catalog.all()) {
      String description = t.descriptor().getString("description");
      assertNotNull(description, t.name());
      assertFalse(description.isBlank(), t.name());
      assertEquals(t.name(), t.descriptor().getString("name"));
    }
  }

  @Test
  void should_give_every_tool_a_closed_object_input_schema() {
    for (ToolDefinition t : catalog.all()) {
      JsonObject schema = t.descriptor().getJsonObject("inputSchema");
      assertEquals("object", schema.getString("type"), t.name());
      assertEquals(Boolean.FALSE, schema.getValue("additionalProperties"), t.name());
      JsonObject props = schema.getJsonObject("properties");
      assertNotNull(props, t.name());
      JsonArray required = schema.getJsonArray("required", new JsonArray());
      for (Object r : required) {
        assertTrue(props.containsKey((String) r), t.name() + " requires undeclared " + r);
      }
      for (String name : props.fieldNames()) {
        assertNotNull(props.getJsonObject(name).getString("type"), t.name() + "." + name + " has no type");
      }
    }
  }

  @Test
  void should_hint_read_only_for_GET_tools_and_destructive_for_DELETE_tools() {
    for (ToolDefinition t : catalog.all()) {
      JsonObject annotations = t.descriptor().getJsonObject("annotations");
      assertNotNull(annotations, t.name());
      if (t.method() == HttpMethod.GET) {
        assertTrue(annotations.getBoolean("readOnlyHint"), t.name());
      }
      if (t.method() == HttpMethod.DELETE) {
        assertTrue(t.destructive(), t.name() + ": a DELETE is destructive");
      }
      assertFalse(t.readOnly() && t.destructive(), t.name() + ": read-only tools destroy nothing");
      if (t.graphql() != null && t.graphql().raw()) {
        // Listed in read-only mode for its queries, but a call may write: the hints say the worst case.
        assertFalse(annotations.getBoolean("readOnlyHint"), t.name());
        assertTrue(annotations.getBoolean("destructiveHint"), t.name());
        assertFalse(annotations.getBoolean("idempotentHint"), t.name());
        continue;
      }
      assertEquals(t.readOnly(), annotations.getBoolean("readOnlyHint"), t.name());
      if (t.readOnly()) {
        assertFalse(annotations.containsKey("destructiveHint"), t.name() + ": meaningless for a read-only tool");
      } else {
        assertEquals(t.destructive(), annotations.getBoolean("destructiveHint"), t.name());
        assertEquals(t.idempotent(), annotations.getBoolean("idempotentHint"), t.name());
      }
      assertTrue(annotations.getBoolean("openWorldHint"), t.name());
    }
  }

  @Test
  void should_offer_paging_arguments_on_every_list_tool() {
    List<ToolDefinition> lists = catalog.all().stream()
        .filter(t -> t.response().kind() == ResponseSpec.Kind.LIST).toList();

    assertFalse(lists.isEmpty());
    for (ToolDefinition t : lists) {
      JsonObject props = t.inputSchema().getJsonObject("properties");
      assertEquals("integer", props.getJsonObject("page").getString("type"), t.name());
      assertEquals(100, props.getJsonObject("per_page").getInteger("maximum"), t.name());
    }
  }

  @Test
  void should_offer_full_response_only_on_tools_with_a_slim_projection() {
    for (ToolDefinition t : catalog.all()) {
      boolean offered = t.inputSchema().getJsonObject("properties").containsKey(ToolExecutor.FULL_RESPONSE);
      assertEquals(!t.response().fields().isEmpty(), offered, t.name());
    }
  }

  @Test
  void should_require_project_id_where_the_path_always_needs_it_and_not_for_list_issues() {
    assertTrue(catalog.get("get_project").param("project_id").required());
    assertTrue(catalog.get("get_file_contents").param("file_path").required());
    assertFalse(catalog.get("list_issues").param("project_id").required());
  }

  // ---- broken catalogs

  private static List<String> problemsOf(String dir) {
    CatalogException e = assertThrows(CatalogException.class,
        () -> ToolCatalog.load(vertx, ToolCatalogTest.class.getClassLoader(), dir + "/_index.yaml"));
    assertFalse(e.problems().isEmpty());
    e.problems().forEach(p -> assertTrue(e.getMessage().contains(p), p));
    return e.problems();
  }

  private static void assertOneProblem(List<String> problems, String... parts) {
    assertEquals(1, problems.size(), problems.toString());
    for (String part : parts) {
      assertTrue(problems.get(0).contains(part), "<" + part + "> missing from " + problems.get(0));
    }
  }

  @Test
  void should_reject_an_unknown_tool_key() {
    assertOneProblem(problemsOf("broken-tool-key"),
        "broken-tool-key/things.yaml: tool 'get_thing'", "unknown key 'summary'");
  }

  @Test
  void should_reject_an_unknown_param_key() {
    assertOneProblem(problemsOf("broken-param-key"),
        "broken-param-key/things.yaml: tool 'get_thing'", "param 'thing_id'", "unknown key 'descripton'");
  }

  @Test
  void should_reject_a_path_placeholder_without_a_param() {
    assertOneProblem(problemsOf("broken-placeholder"),
        "broken-placeholder/things.yaml: tool 'get_thing'", "path placeholder {thing_id} has no param");
  }

  @Test
  void should_reject_a_tool_name_defined_in_two_files() {
    assertOneProblem(problemsOf("broken-duplicate"),
        "broken-duplicate/second.yaml", "tool 'get_thing'", "already defined in broken-duplicate/first.yaml");
  }

  @Test
  void should_reject_an_invalid_param_type() {
    assertOneProblem(problemsOf("broken-type"),
        "broken-type/things.yaml: tool 'get_thing'", "param 'name'", "'type' must be one of");
  }

  @Test
  void should_reject_an_unknown_http_method() {
    assertOneProblem(problemsOf("broken-method"),
        "broken-method/things.yaml: tool 'get_thing'", "'method' must be GET, POST, PUT, PATCH or DELETE");
  }

  @Test
  void should_reject_a_graphql_tool_with_a_method_and_an_unreadable_document() {
    List<String> problems = problemsOf("broken-graphql");

    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("tool 'get_thing'") && p.contains("has no 'method'")),
        problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("graphql query cannot be read")), problems.toString());
  }

  @Test
  void should_post_graphql_tools_to_the_graphql_endpoint_and_derive_read_only_from_the_document() {
    ToolDefinition query = catalog.get("list_work_items");
    ToolDefinition mutation = catalog.get("update_dependency_proxy_settings");

    assertEquals(HttpMethod.POST, query.method());
    assertEquals(List.of("/graphql"), query.paths());
    assertTrue(query.readOnly());
    assertTrue(query.idempotent(), "a query is safe to retry");
    assertFalse(mutation.readOnly());
    assertFalse(mutation.descriptor().getJsonObject("annotations").getBoolean("readOnlyHint"));
    ToolDefinition raw = catalog.get("execute_graphql");
    assertFalse(raw.idempotent(), "a raw document may write: never sent twice");
  }

  @Test
  void should_give_every_output_schema_property_a_type_as_gitlab_returns_it() {
    List<String> untyped = new java.util.ArrayList<>();
    int structured = 0;
    for (ToolDefinition t : catalog.all()) {
      JsonObject out = t.descriptor().getJsonObject("outputSchema");
      if (out != null) {
        structured++;
        collectUntyped(t.name(), out, untyped);
      }
    }

    assertTrue(structured >= 10, structured + " structured tools");
    assertTrue(untyped.isEmpty(), "output schema properties without a type (Inspector --strict warns): " + untyped);
    JsonObject mr = catalog.get("get_merge_request").descriptor().getJsonObject("outputSchema")
        .getJsonObject("properties");
    assertEquals("integer", mr.getJsonObject("iid").getValue("type"));
    assertEquals(new io.vertx.core.json.JsonArray().add("string").add("null"), mr.getJsonObject("merged_at").getValue("type"));
    assertEquals("string", mr.getJsonObject("author").getJsonObject("properties").getJsonObject("username").getValue("type"));
    assertEquals("string", mr.getJsonObject("assignees").getJsonObject("items").getJsonObject("properties")
        .getJsonObject("username").getValue("type"));
  }

  private static void collectUntyped(String where, JsonObject schema, List<String> out) {
    if (!schema.containsKey("type")) {
      out.add(where);
    }
    if (schema.getValue("properties") instanceof JsonObject props) {
      props.forEach(e -> collectUntyped(where + "." + e.getKey(), (JsonObject) e.getValue(), out));
    }
    if (schema.getValue("items") instanceof JsonObject items) {
      collectUntyped(where + "[]", items, out);
    }
  }

  @Test
  void should_reject_a_tool_without_description() {
    assertOneProblem(problemsOf("broken-description"),
        "broken-description/things.yaml: tool 'get_thing'", "'description' is required");
  }

  @Test
  void should_reject_a_reference_to_a_missing_shared_param() {
    assertOneProblem(problemsOf("broken-shared-ref"),
        "broken-shared-ref/things.yaml: tool 'get_thing'", "param 'project_id'",
        "refers to unknown shared param 'project'");
  }

  @Test
  void should_report_every_problem_of_every_tool_at_once() {
    List<String> problems = problemsOf("broken-many");

    assertEquals(4, problems.size(), problems.toString());
    assertHas(problems, "tool 'get_thing'", "'description' is required");
    assertHas(problems, "tool 'get_thing'", "path placeholder {thing_id} has no param");
    assertHas(problems, "tool 'delete_thing'", "'method' must be");
    assertHas(problems, "tool 'delete_thing'", "param 'force'", "'type' must be one of");
    problems.forEach(p -> assertTrue(p.startsWith("broken-many/things.yaml: "), p));
  }

  @Test
  void should_report_a_missing_index() {
    List<String> problems = problemsOf("no-such-catalog");

    assertOneProblem(problems, "no-such-catalog/_index.yaml", "not found on the classpath");
  }

  private static void assertHas(List<String> problems, String... parts) {
    assertTrue(problems.stream().anyMatch(p -> List.of(parts).stream().allMatch(p::contains)),
        "no problem with all of " + List.of(parts) + " in " + problems);
  }

  private static Map<?, ?> yaml(String resource) throws IOException {
    try (InputStream in = ToolCatalogTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      return (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }
}
