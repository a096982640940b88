package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The GitLab request a tool call turns into: what GitLab receives. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
class RequestBuilderTest {

  private static ToolCatalog real;
  private static ToolCatalog things;

  @BeforeAll
  static void loadCatalogs(Vertx vertx) {
    real = ToolCatalog.load(vertx);
    things = ToolCatalog.load(vertx, RequestBuilderTest.class.getClassLoader(), "request-tools/_index.yaml");
  }

  private static String built(ToolCatalog catalog, String tool, JsonObject args) {
    RequestBuilder.Built b = RequestBuilder.build(catalog.get(tool), args);
    assertNull(b.problem(), b.problem());
    return b.pathAndQuery();
  }

  private static String refused(ToolCatalog catalog, String tool, JsonObject args) {
    RequestBuilder.Built b = RequestBuilder.build(catalog.get(tool), args);
    assertNull(b.pathAndQuery(), "should have been refused, built " + b.pathAndQuery());
    return b.problem();
  }

  private static String path(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  /** The query as GitLab decodes it: name/value pairs in order. */
  private static List<Map.Entry<String, String>> query(String pathAndQuery) {
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return pairs;
    }
    for (String pair : pathAndQuery.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      pairs.add(Map.entry(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
    }
    return pairs;
  }

  // ---- path values

  @Test
  void should_encode_a_project_path_into_one_segment() {
    assertEquals("/projects/group%2Fsub%2Fproject",
        built(real, "get_project", new JsonObject().put("project_id", "group/sub/project")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"group%2Fproject", "group%2fproject"})
  void should_accept_an_already_encoded_project_path_without_encoding_it_twice(String given) {
    assertEquals("/projects/group%2Fproject", built(real, "get_project", new JsonObject().put("project_id", given)));
  }

  @Test
  void should_accept_a_numeric_project_id() {
    assertEquals("/projects/42", built(real, "get_project", new JsonObject().put("project_id", "42")));
    assertEquals("/projects/42", built(real, "get_project", new JsonObject().put("project_id", 42)));
  }

  @Test
  void should_encode_a_file_path_with_slashes_spaces_and_unicode_into_one_segment() {
    String pq = built(real, "get_file_contents",
        new JsonObject().put("project_id", "group/project").put("file_path", "docs/My Notes/Ünïcödé ✓.md"));

    assertEquals("/projects/group%2Fproject/repository/files/"
        + "docs%2FMy%20Notes%2F%C3%9Cn%C3%AFc%C3%B6d%C3%A9%20%E2%9C%93.md", path(pq));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "..                 | must not contain '.' or '..' path segments",
      "../../etc/passwd   | must not contain '.' or '..' path segments",
      "docs/../secret.txt | must not contain '.' or '..' path segments",
      "./README.md        | must not contain '.' or '..' path segments",
      "docs/.             | must not contain '.' or '..' path segments",
      "..%2Fsecret        | must not contain '.' or '..' path segments",
      "docs\\README.md    | must not contain backslashes",
  })
  void should_refuse_a_file_path_that_could_leave_the_resource(String filePath, String reason) {
    String problem = refused(real, "get_file_contents",
        new JsonObject().put("project_id", "group/project").put("file_path", filePath));

    assertEquals("'file_path' " + reason, problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "a\u0000b", "a\tb", "a\u007fb"})
  void should_refuse_control_characters_naming_the_argument(String filePath) {
    String problem = refused(real, "get_file_contents",
        new JsonObject().put("project_id", "group/project").put("file_path", filePath));

    assertEquals("'file_path' must not contain control characters", problem);
  }

  @Test
  void should_refuse_an_empty_path_value_naming_the_argument() {
    assertEquals("'project_id' must not be empty",
        refused(real, "get_project", new JsonObject().put("project_id", "")));
  }

  @Test
  void should_refuse_a_project_path_that_climbs_out() {
    assertEquals("'project_id' must not contain '.' or '..' path segments",
        refused(real, "get_project", new JsonObject().put("project_id", "group/../admin")));
  }

  @Test
  void should_accept_dots_inside_a_segment() {
    String pq = built(real, "get_file_contents",
        new JsonObject().put("project_id", "my.group/my.project").put("file_path", ".gitlab-ci.yml"));

    assertEquals("/projects/my.group%2Fmy.project/repository/files/.gitlab-ci.yml", path(pq));
  }

  // ---- choice of path

  @Test
  void should_list_issues_of_all_projects_without_project_id() {
    assertEquals("/issues", path(built(real, "list_issues", new JsonObject())));
  }

  @Test
  void should_list_issues_of_one_project_with_project_id() {
    assertEquals("/projects/group%2Fsub%2Fproject/issues",
        path(built(real, "list_issues", new JsonObject().put("project_id", "group/sub/project"))));
  }

  // ---- query

  @Test
  void should_apply_the_default_ref_HEAD_for_get_file_contents() {
    String pq = built(real, "get_file_contents",
        new JsonObject().put("project_id", "group/project").put("file_path", "README.md"));

    assertEquals(List.of(Map.entry("ref", "HEAD")), query(pq));
  }

  @Test
  void should_send_a_given_ref_encoded() {
    String pq = built(real, "get_file_contents",
        new JsonObject().put("project_id", "group/project").put("file_path", "README.md").put("ref", "feature/a&b"));

    assertTrue(pq.endsWith("?ref=feature%2Fa%26b"), pq);
    assertEquals(List.of(Map.entry("ref", "feature/a&b")), query(pq));
  }

  @Test
  void should_send_booleans_and_paging() {
    String pq = built(real, "list_projects",
        new JsonObject().put("membership", true).put("archived", false).put("page", 2).put("per_page", 50));

    assertEquals("/projects", path(pq));
    List<Map.Entry<String, String>> q = query(pq);
    assertTrue(q.contains(Map.entry("membership", "true")), q.toString());
    assertTrue(q.contains(Map.entry("archived", "false")), q.toString());
    assertTrue(q.contains(Map.entry("page", "2")), q.toString());
    assertTrue(q.contains(Map.entry("per_page", "50")), q.toString());
    assertEquals(4, q.size(), q.toString());
  }

  @Test
  void should_send_whole_numbers_that_arrive_as_decimals_without_a_fraction() {
    String pq = built(real, "list_projects", new JsonObject().put("page", 3.0));

    assertEquals(List.of(Map.entry("page", "3")), query(pq));
  }

  @Test
  void should_repeat_array_values_with_brackets() {
    String pq = built(things, "search_things", new JsonObject().put("name", new JsonArray().add("a").add("b c")));

    assertEquals("/things?name[]=a&name[]=b%20c", pq);
  }

  @Test
  void should_join_a_comma_list_into_one_value() {
    String pq = built(real, "list_issues", new JsonObject().put("labels", new JsonArray().add("bug").add("ui")));

    assertEquals(List.of(Map.entry("labels", "bug,ui")), query(pq));
  }

  @Test
  void should_send_object_values_as_bracketed_keys_under_the_upstream_name() {
    String pq = built(things, "search_things",
        new JsonObject().put("filter", new JsonObject().put("owner", "ada")).put("order", "name"));

    List<Map.Entry<String, String>> q = query(pq);
    assertTrue(q.contains(Map.entry("filter[owner]", "ada")), q.toString());
    assertTrue(q.contains(Map.entry("order_by", "name")), q.toString());
  }

  @Test
  void should_put_write_arguments_in_a_json_body_and_query_params_in_the_query() {
    RequestBuilder.Built b = RequestBuilder.build(things.get("create_thing"), new JsonObject()
        .put("project_id", "group/project").put("title", "New & shiny").put("labels", new JsonArray().add("x"))
        .put("notify", false));

    assertNull(b.problem());
    assertEquals("/projects/group%2Fproject/things?notify=false", b.pathAndQuery());
    assertEquals(new JsonObject().put("title", "New & shiny").put("labels", new JsonArray().add("x")),
        new JsonObject(b.body()));
  }

  // ---- coercion of what models send

  @Test
  void should_coerce_a_number_to_a_string_for_string_params() {
    JsonObject args = new JsonObject().put("project_id", 42);

    ToolExecutor.coerce(real.get("get_project"), args);

    assertEquals("42", args.getValue("project_id"));
  }

  @Test
  void should_coerce_a_numeric_string_to_an_integer_for_integer_params() {
    JsonObject args = new JsonObject().put("project_id", "g/p").put("issue_iid", " 42 ");

    ToolExecutor.coerce(real.get("get_issue"), args);

    assertEquals(42L, ((Number) args.getValue("issue_iid")).longValue());
    assertTrue(args.getValue("issue_iid") instanceof Number);
    assertEquals("g/p", args.getValue("project_id"));
  }

  @Test
  void should_leave_a_non_numeric_string_for_the_schema_to_reject() {
    JsonObject args = new JsonObject().put("issue_iid", "forty-two");

    ToolExecutor.coerce(real.get("get_issue"), args);

    assertEquals("forty-two", args.getValue("issue_iid"));
  }

  @Test
  void should_coerce_true_and_false_strings_for_boolean_params() {
    JsonObject args = new JsonObject().put("membership", "true").put("owned", "FALSE").put("starred", "yes");

    ToolExecutor.coerce(real.get("list_projects"), args);

    assertEquals(Boolean.TRUE, args.getValue("membership"));
    assertEquals(Boolean.FALSE, args.getValue("owned"));
    assertEquals("yes", args.getValue("starred"));
  }

  @Test
  void should_coerce_a_comma_separated_string_for_array_params() {
    JsonObject args = new JsonObject().put("labels", "bug, ui");

    ToolExecutor.coerce(real.get("list_issues"), args);

    assertEquals(new JsonArray().add("bug").add("ui"), args.getValue("labels"));
  }

  @Test
  void should_refuse_an_integer_too_large_to_be_sent_exactly_and_a_path_value_too_long_for_a_url() {
    assertTrue(refused(real, "get_issue", new JsonObject().put("project_id", "a/b").put("issue_iid", 1e300))
        .contains("'issue_iid' is out of range"));
    assertTrue(refused(real, "get_project", new JsonObject().put("project_id", "g/" + "p".repeat(5000)))
        .contains("'project_id' is too long (5002 characters; at most 4096)"));
    assertEquals("/projects/a%2Fb/issues/9007199254740", path(built(real, "get_issue",
        new JsonObject().put("project_id", "a/b").put("issue_iid", 9007199254740L))));
  }

  @Test
  void should_keep_slashes_of_a_wildcard_path_value_and_encode_each_segment() {
    assertEquals("/projects/g%2Fp/jobs/7/artifacts/out/unit%20tests/report.xml", built(real, "get_job_artifact_file",
        new JsonObject().put("project_id", "g/p").put("job_id", 7).put("artifact_path", "out/unit tests/report.xml")));
    assertTrue(refused(real, "get_job_artifact_file", new JsonObject().put("project_id", "g/p").put("job_id", 7)
        .put("artifact_path", "out/../../secrets")).contains("'..'"));
    assertTrue(refused(real, "get_job_artifact_file", new JsonObject().put("project_id", "g/p").put("job_id", 7)
        .put("artifact_path", "out//x")).contains("empty path segments"));
  }
}
