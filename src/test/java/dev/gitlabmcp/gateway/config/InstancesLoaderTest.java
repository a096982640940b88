package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How operators describe several GitLab instances, and every mistake they can make, reported with its JSON path. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstancesLoaderTest {

  private static final GitLabConfig BASE = new GitLabConfig("default", URI.create("https://gitlab.com"),
      new Secret("glpat-legacy-000000000000"), true, false, 32, 60, 5000, 30000, 16L << 20, 2);

  @TempDir
  Path dir;

  private static InstancesLoader.Loaded doc(String json, Map<String, String> env) {
    return InstancesLoader.fromDocument(new JsonObject(json), BASE, env, InstancesLoader.Source.FILE, "test");
  }

  private static InstancesLoader.Loaded doc(String json) {
    return doc(json, Map.of());
  }

  @Test
  void should_fall_back_to_the_legacy_url_with_the_legacy_token_when_nothing_else_is_configured() {
    InstancesLoader.Loaded l = InstancesLoader.load(BASE, "", "", Map.of());

    assertEquals(InstancesLoader.Source.LEGACY_URL, l.source());
    assertEquals(1, l.instances().size());
    assertEquals("default", l.defaultInstance().name());
    assertEquals("glpat-legacy-000000000000", l.defaultInstance().token().reveal());
  }

  @Test
  void should_read_name_url_pairs_from_GITLAB_INSTANCES_and_give_each_its_own_token() {
    InstancesLoader.Loaded l = InstancesLoader.load(BASE, "", "corp=https://git.corp.example/api/v4/ gitlab-com=https://gitlab.com",
        Map.of("GITLAB_PERSONAL_ACCESS_TOKEN_GITLAB_COM", "glpat-com-11111111111"));

    assertEquals(List.of(), l.problems());
    assertEquals(List.of("corp", "gitlab-com"), l.instances().stream().map(GitLabConfig::name).toList());
    GitLabConfig corp = l.instances().get(0);
    assertEquals("https://git.corp.example", corp.baseUrl().toString(), "trailing /api/v4 and slash dropped");
    assertTrue(corp.isDefault(), "the first is the default when none is marked");
    assertEquals("glpat-legacy-000000000000", corp.token().reveal(), "the plain token belongs to the default only");
    assertEquals("glpat-com-11111111111", l.instances().get(1).token().reveal());
  }

  @Test
  void should_never_give_the_legacy_token_to_an_instance_that_is_not_the_default() {
    InstancesLoader.Loaded l = doc("{\"instances\":[{\"name\":\"a\",\"url\":\"https://a.example\"},"
        + "{\"name\":\"b\",\"url\":\"https://b.example\",\"default\":true}]}");

    assertFalse(l.instances().get(0).token().isSet());
    assertEquals("glpat-legacy-000000000000", l.instances().get(1).token().reveal());
  }

  @Test
  void should_merge_defaults_field_by_field_under_each_instance() {
    InstancesLoader.Loaded l = doc("{\"defaults\":{\"http\":{\"maxConnections\":8,\"requestTimeoutMs\":9000},"
        + "\"rateLimit\":{\"requestsPerSecond\":5,\"burst\":10}},\"instances\":["
        + "{\"name\":\"a\",\"url\":\"https://a.example/gitlab/\",\"http\":{\"maxConnections\":4}},"
        + "{\"name\":\"b\",\"url\":\"https://b.example\",\"rateLimit\":{\"burst\":50}}]}");

    assertEquals(List.of(), l.problems());
    GitLabConfig a = l.instances().get(0);
    GitLabConfig b = l.instances().get(1);
    assertEquals("https://a.example/gitlab", a.baseUrl().toString(), "a subpath stays");
    assertEquals(4, a.maxConnections());
    assertEquals(9000, a.requestTimeoutMs());
    assertEquals(8, b.maxConnections());
    assertEquals(5.0, b.rateLimit().requestsPerSecond());
    assertEquals(50, b.rateLimit().burst());
    assertEquals(30000, BASE.requestTimeoutMs());
  }

  @Test
  void should_report_every_problem_with_its_json_path() {
    InstancesLoader.Loaded l = doc("{\"instances\":[{\"name\":\"Corp_GitLab\",\"url\":\"ftp://x\"},"
        + "{\"name\":\"b\",\"url\":\"https://b.example\",\"rateLimit\":{\"requestsPerSecond\":20,\"burst\":5},"
        + "\"htp\":{}},{\"name\":\"b\",\"url\":\"https://user:pw@c.example\",\"http\":{\"maxConnections\":0}}]}");

    List<String> p = l.problems();
    assertTrue(l.instances().isEmpty());
    assertHas(p, "instances[0].name must be a DNS label");
    assertHas(p, "instances[0].url must be an absolute http(s) URL without credentials");
    assertHas(p, "instances[1].rateLimit.burst must be >= requestsPerSecond (5 < 20)");
    assertHas(p, "instances[1].htp is not a known field");
    assertHas(p, "instances[2].name 'b' is used twice");
    assertHas(p, "instances[2].url must be an absolute http(s) URL without credentials");
    assertHas(p, "instances[2].http.maxConnections must be in 1..1024 (is 0)");
    assertFalse(String.join("\n", p).contains("pw@"), "credentials in a URL are never echoed");
  }

  @Test
  void should_reserve_the_name_default_when_there_are_several_instances_and_allow_one_default_only() {
    InstancesLoader.Loaded l = doc("{\"instances\":[{\"name\":\"default\",\"url\":\"https://a.example\",\"default\":true},"
        + "{\"name\":\"b\",\"url\":\"https://b.example\",\"default\":true}]}");

    assertHas(l.problems(), "instances[0].name 'default' is reserved");
    assertHas(l.problems(), "only one instance may be \"default\": true (2 are)");
    assertEquals(List.of(), doc("{\"instances\":[{\"name\":\"default\",\"url\":\"https://a.example\"}]}").problems());
  }

  @Test
  void should_take_oauth_client_secrets_from_the_environment_or_a_file_never_from_the_document() throws IOException {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "file-secret\n");
    InstancesLoader.Loaded l = doc("{\"instances\":[{\"name\":\"corp-gitlab\",\"url\":\"https://a.example\","
        + "\"oauth\":{\"clientId\":12345,\"scopes\":[\"api\",\"read_user\"]}},{\"name\":\"b\",\"url\":\"https://b.example\","
        + "\"oauth\":{\"clientId\":\"x\",\"clientSecret\":\"in-the-file\"}}]}",
        Map.of("GITLAB_OAUTH_CLIENT_SECRET_CORP_GITLAB", "env-secret", "GITLAB_OAUTH_CLIENT_SECRET_B_FILE", secret.toString()));

    assertHas(l.problems(), "instances[1].oauth.clientSecret is not a known field");
    InstancesLoader.Loaded ok = doc("{\"instances\":[{\"name\":\"corp-gitlab\",\"url\":\"https://a.example\","
        + "\"oauth\":{\"clientId\":12345,\"scopes\":[\"api\",\"read_user\"]}},{\"name\":\"b\",\"url\":\"https://b.example\","
        + "\"oauth\":{\"clientId\":\"x\"}}]}",
        Map.of("GITLAB_OAUTH_CLIENT_SECRET_CORP_GITLAB", "env-secret", "GITLAB_OAUTH_CLIENT_SECRET_B_FILE", secret.toString()));
    assertEquals(List.of(), ok.problems());
    assertEquals("12345", ok.instances().get(0).oauth().clientId(), "a numeric client id is an id, not a port");
    assertEquals(List.of("api", "read_user"), ok.instances().get(0).oauth().scopes());
    assertEquals("env-secret", ok.instances().get(0).oauth().clientSecret().reveal());
    assertEquals("file-secret", ok.instances().get(1).oauth().clientSecret().reveal());
  }

  @Test
  void should_report_an_instance_whose_application_has_a_secret_but_no_client_id() {
    InstancesLoader.Loaded l = doc("{\"instances\":[{\"name\":\"a\",\"url\":\"https://a.example\",\"default\":true},"
        + "{\"name\":\"corp\",\"url\":\"https://b.example\"}]}", Map.of("GITLAB_OAUTH_CLIENT_SECRET_CORP", "s"));
    assertHas(l.problems(), "instances[1].oauth.clientId is missing but GITLAB_OAUTH_CLIENT_SECRET_CORP is set: the "
        + "GitLab application of instance 'corp' is incomplete");
  }

  @Test
  void should_prefer_the_instances_file_over_GITLAB_INSTANCES_and_read_yaml_too() throws IOException {
    Path yaml = dir.resolve("instances.yaml");
    Files.writeString(yaml, "instances:\n  - name: corp\n    url: https://git.corp.example\n    label: Corp\n");

    InstancesLoader.Loaded l = InstancesLoader.load(BASE, yaml.toString(), "other=https://other.example", Map.of());

    assertEquals(InstancesLoader.Source.FILE, l.source());
    assertEquals(List.of("corp"), l.instances().stream().map(GitLabConfig::name).toList());
    assertEquals("Corp", l.instances().get(0).label());
  }

  @Test
  void should_explain_a_broken_file_and_a_broken_GITLAB_INSTANCES() throws IOException {
    Path bad = dir.resolve("instances.json");
    Files.writeString(bad, "{\"instances\": [");

    assertHas(InstancesLoader.load(BASE, bad.toString(), "", Map.of()).problems(), "is not valid JSON");
    assertHas(InstancesLoader.load(BASE, dir.resolve("missing.json").toString(), "", Map.of()).problems(),
        "cannot be read");
    assertHas(InstancesLoader.load(BASE, "", "corp https://x", Map.of()).problems(), "'corp' is not name=url");
  }

  @Test
  void should_fail_gateway_configuration_with_the_instance_problems_listed() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ConfigLoader.withoutDefaultFile(Map.of("gitlab.instances", "a=https://a.example a=https://b.example"),
            Map.of()).load(GatewayConfig.Mode.HTTP));

    assertHas(e.problems(), "GitLab instances (GITLAB_INSTANCES): instances[1].name 'a' is used twice");
  }

  @Test
  void should_ship_an_example_file_that_validates_and_a_repository_without_conf_instances_json() {
    InstancesLoader.Loaded l = InstancesLoader.load(BASE, "conf/instances.example.json", "", Map.of());

    assertEquals(List.of(), l.problems());
    assertEquals(List.of("gitlab-com", "corp"), l.instances().stream().map(GitLabConfig::name).toList());
    // conf/instances.json would win over GITLAB_API_URL for everyone who runs from a checkout.
    assertFalse(Files.exists(Path.of("conf/instances.json")));
  }

  private static void assertHas(List<String> problems, String part) {
    assertTrue(problems.stream().anyMatch(p -> p.contains(part)), "<" + part + "> not in " + problems);
  }
}
