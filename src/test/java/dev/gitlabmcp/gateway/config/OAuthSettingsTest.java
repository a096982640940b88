package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Sign in with GitLab: its settings, and the contradictions that stop the start. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OAuthSettingsTest {

  private static GatewayConfig load(Map<String, String> env, GatewayConfig.Mode mode) {
    return ConfigLoader.withoutDefaultFile(Map.of(), env).load(mode).config();
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GITLAB_MCP_OAUTH", "true");
    env.put("MCP_SERVER_URL", "https://mcp.example.com");
    env.put("GITLAB_OAUTH_APP_ID", "app-1");
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        env.remove(pairs[i]);
      } else {
        env.put(pairs[i], pairs[i + 1]);
      }
    }
    return env;
  }

  private static String problem(Map<String, String> env, GatewayConfig.Mode mode) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(env, mode));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @Test
  void should_start_with_a_public_https_url_and_a_gitlab_application() {
    GatewayConfig cfg = load(env("GITLAB_OAUTH_CLIENT_SECRET", "s3cret", "GITLAB_OAUTH_ALLOWED_GROUPS", "acme, ops"),
        GatewayConfig.Mode.HTTP);

    assertTrue(cfg.oauth().enabled());
    assertEquals("https://mcp.example.com", cfg.oauth().issuer());
    assertEquals("https://mcp.example.com/.well-known/oauth-protected-resource/mcp", cfg.oauth().resourceMetadata(null));
    assertEquals(List.of("acme", "ops"), cfg.oauth().allowedGroups());
    OAuthClientConfig app = cfg.oauth().appFor(cfg.instances().defaultInstance());
    assertEquals("app-1", app.clientId());
    assertEquals("s3cret", app.clientSecret().reveal());
  }

  @Test
  void should_read_the_application_secret_from_a_file(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("secret"), "from-file\n");
    GatewayConfig cfg = load(env("GITLAB_OAUTH_CLIENT_SECRET_FILE", file.toString()), GatewayConfig.Mode.HTTP);

    assertEquals("from-file", cfg.oauth().appFor(cfg.instances().defaultInstance()).clientSecret().reveal());
  }

  @Test
  void should_refuse_oauth_without_a_public_url() {
    assertTrue(problem(env("MCP_SERVER_URL", null), GatewayConfig.Mode.HTTP).contains("needs MCP_SERVER_URL"));
  }

  @Test
  void should_refuse_a_plain_http_issuer_beyond_loopback_unless_dangerously_allowed() {
    assertTrue(problem(env("MCP_SERVER_URL", "http://mcp.example.com"), GatewayConfig.Mode.HTTP)
        .contains("must be https"));
    load(env("MCP_SERVER_URL", "http://mcp.example.com", "MCP_DANGEROUSLY_ALLOW_INSECURE_ISSUER_URL", "true"),
        GatewayConfig.Mode.HTTP);
    load(env("MCP_SERVER_URL", "http://127.0.0.1:3002"), GatewayConfig.Mode.HTTP);
  }

  @Test
  void should_refuse_oauth_without_any_gitlab_application() {
    assertTrue(problem(env("GITLAB_OAUTH_APP_ID", null), GatewayConfig.Mode.HTTP).contains("GITLAB_OAUTH_APP_ID"));
  }

  @Test
  void should_take_the_application_of_an_instance_from_the_instances_document() {
    GatewayConfig cfg = load(env("GITLAB_OAUTH_APP_ID", null, "GITLAB_INSTANCES", "{\"instances\":[{\"name\":\"corp\","
        + "\"url\":\"https://git.corp\",\"oauth\":{\"clientId\":\"corp-app\"}}]}",
        "GITLAB_OAUTH_CLIENT_SECRET_CORP", "corp-secret"), GatewayConfig.Mode.HTTP);

    OAuthClientConfig app = cfg.oauth().appFor(cfg.instances().defaultInstance());
    assertEquals("corp-app", app.clientId());
    assertEquals("corp-secret", app.clientSecret().reveal());
  }

  @Test
  void should_refuse_oauth_together_with_other_ways_to_authenticate_or_over_stdio() {
    assertTrue(problem(env("REMOTE_AUTHORIZATION", "true"), GatewayConfig.Mode.HTTP).contains("REMOTE_AUTHORIZATION"));
    assertTrue(problem(env("MCP_AUTH_TOKEN", "0123456789abcdef0123"), GatewayConfig.Mode.HTTP)
        .contains("MCP_AUTH_TOKEN"));
    assertTrue(problem(env(), GatewayConfig.Mode.STDIO).contains("HTTP transport"));
  }

  @Test
  void should_parse_pre_registered_clients_and_refuse_malformed_ones() {
    GatewayConfig cfg = load(env("GITLAB_MCP_OAUTH_CLIENTS", "[{\"client_id\":\"inspector\",\"client_name\":"
        + "\"Inspector\",\"redirect_uris\":[\"http://127.0.0.1:6274/oauth/callback\"]}]"), GatewayConfig.Mode.HTTP);
    assertEquals("inspector", cfg.oauth().clients().get(0).clientId());

    assertTrue(problem(env("GITLAB_MCP_OAUTH_CLIENTS", "[{\"client_id\":\"x\"}]"), GatewayConfig.Mode.HTTP)
        .contains("redirect_uris"));
  }
}
