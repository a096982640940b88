package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.GatewayConfig.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A user coming from the other GitLab MCP server: every setting they had is honoured or named as not supported. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class UnsupportedSettingsTest {

  /**
   * Every environment name {@code @zereight/mcp-gitlab} 2.1.64 reads (npm pack, build/config.js getConfig and
   * _intEnv, build/index.js, oauth.js, stateless/secret.js, utils/*.js: process.env), without the names only its
   * own tests read (GITLAB_TOKEN_TEST, TEST_PROJECT_ID, ...) and npm's own (NPM_CONFIG_*).
   */
  static final List<String> OTHER_SERVER_NAMES = Arrays.asList((""
      + "DEFAULT_NULL DOWNLOAD_TOKEN_SECRET DOWNLOAD_TOKEN_TTL ENABLE_DYNAMIC_API_URL "
      + "ENABLE_DYNAMIC_PROJECT_SCOPE ENABLE_STRICT_PROJECT_SCOPE GITLAB_ALLOWED_GROUPS GITLAB_ALLOWED_HOSTS "
      + "GITLAB_ALLOWED_PROJECT_IDS GITLAB_ALLOW_UNAUTHENTICATED_TOOL_DISCOVERY GITLAB_API_URL GITLAB_AUTH_COOKIE_PATH "
      + "GITLAB_CA_CERT_PATH GITLAB_COMMIT_FILES_PER_PAGE GITLAB_DENIED_TOOLS_REGEX GITLAB_DISABLE_VERSION_CHECK "
      + "GITLAB_GRAPHQL_URL GITLAB_IS_OLD GITLAB_JOB_TOKEN GITLAB_MASKING_CONFIG "
      + "GITLAB_MASKING_ENABLED GITLAB_MASKING_POLICY_FILE GITLAB_MASKING_WORKSPACE_DIR GITLAB_MCP_OAUTH "
      + "GITLAB_OAUTH_ALLOWED_GROUPS GITLAB_OAUTH_APP_ID GITLAB_OAUTH_CALLBACK_PROXY GITLAB_OAUTH_CLIENT_ID "
      + "GITLAB_OAUTH_CLIENT_SECRET GITLAB_OAUTH_REDIRECT_URI GITLAB_OAUTH_SCOPES GITLAB_OAUTH_TOKEN_PATH "
      + "GITLAB_OAUTH_TOKEN_SCRIPT GITLAB_OAUTH_TOKEN_SCRIPT_TIMEOUT_SECONDS GITLAB_PERMISSION_MODE GITLAB_PERSONAL_ACCESS_TOKEN "
      + "GITLAB_POOL_MAX_SIZE GITLAB_PROJECT_ID GITLAB_READ_ONLY_MODE GITLAB_REPO_FILE_ENCODING "
      + "GITLAB_TOOLS GITLAB_TOOLSETS GITLAB_TOOL_POLICY_APPROVE GITLAB_TOOL_POLICY_HIDDEN "
      + "GITLAB_USE_OAUTH HOST HTTPS_PROXY HTTP_PROXY "
      + "LOG_FORMAT LOG_LEVEL MAX_REQUESTS_PER_MINUTE MAX_SESSIONS "
      + "MCP_ALLOWED_HOSTS MCP_ALLOWED_ORIGINS MCP_DANGEROUSLY_ALLOW_INSECURE_ISSUER_URL MCP_SERVER_NAME "
      + "MCP_SERVER_URL MCP_TRUST_PROXY NODE_TLS_REJECT_UNAUTHORIZED NO_PROXY "
      + "OAUTH_REGISTER_RATE_LIMIT_PER_HOUR OAUTH_STATELESS_CLIENT_TTL_SECONDS OAUTH_STATELESS_MODE OAUTH_STATELESS_PENDING_TTL_SECONDS "
      + "OAUTH_STATELESS_SECRET OAUTH_STATELESS_SECRET_PREVIOUS OAUTH_STATELESS_SESSION_TTL_SECONDS OAUTH_STATELESS_STORED_TTL_SECONDS "
      + "PORT REMOTE_AUTHORIZATION SESSION_TIMEOUT_SECONDS SSE "
      + "SSE_AUTH_TOKEN SSE_DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMOTE STREAMABLE_HTTP STREAMABLE_HTTP_AUTH_TOKEN "
      + "USE_GITLAB_WIKI USE_MILESTONE USE_PIPELINE ").trim().split(" "));

  private static GatewayConfig load(Map<String, String> env) {
    return ConfigLoader.withoutDefaultFile(Map.of(), env).load(Mode.HTTP).config();
  }

  private static ConfigException problems(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.withoutDefaultFile(Map.of(), env).load(Mode.HTTP));
  }

  @Test
  void should_honour_or_report_every_name_the_other_server_reads() {
    Set<String> ours = new TreeSet<>();
    Settings.ALL.forEach(s -> ours.addAll(s.envNames()));
    List<String> neither = new ArrayList<>();
    for (String name : OTHER_SERVER_NAMES) {
      if (!ours.contains(name) && !UnsupportedSettings.names().contains(name)) {
        neither.add(name);
      }
    }
    assertEquals(List.of(), neither, "neither a setting here nor reported as not supported");
    List<String> both = UnsupportedSettings.names().stream().filter(ours::contains).toList();
    assertEquals(List.of(), both, "a setting here and reported as not supported");
    assertEquals(79, OTHER_SERVER_NAMES.size());
  }

  @Test
  void should_map_every_name_of_the_other_server_in_docs_migrating_md() throws java.io.IOException {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "migrating.md"));
    List<String> missing = OTHER_SERVER_NAMES.stream().filter(n -> !doc.contains("`" + n + "`")
        && !doc.contains("`" + n + "=")).toList();

    assertEquals(List.of(), missing, "names docs/migrating.md does not map");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GITLAB_JOB_TOKEN|job-token-value-123|use GITLAB_PERSONAL_ACCESS_TOKEN",
      "GITLAB_AUTH_COOKIE_PATH|/home/me/.cookies|use GITLAB_PERSONAL_ACCESS_TOKEN",
      "SSE|true|point the client at /mcp",
      "NODE_TLS_REJECT_UNAUTHORIZED|0|trust your GitLab's CA with GITLAB_CA_CERT_PATH instead",
      "GITLAB_USE_OAUTH|true|the stdio OAuth sign-in of that server is not offered",
      "ENABLE_DYNAMIC_API_URL|true|list the instances in GITLAB_INSTANCES",
      "GITLAB_TOOL_POLICY_HIDDEN|delete_issue|use GITLAB_DENIED_TOOLS_REGEX instead"})
  void should_refuse_to_start_with_a_setting_it_cannot_honour_and_say_what_to_use(String name, String value,
                                                                               String advice) {
    ConfigException e = problems(Map.of(name, value));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith(name + " is not supported here: "), e.problems().get(0));
    assertTrue(e.problems().get(0).contains(advice), e.problems().get(0));
    assertFalse(e.getMessage().contains(value), "the value is never repeated: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"MCP_SERVER_NAME", "GITLAB_POOL_MAX_SIZE", "GITLAB_GRAPHQL_URL", "GITLAB_OAUTH_SCOPES"})
  void should_start_with_a_tuning_setting_it_does_not_honour_and_warn(String name) {
    GatewayConfig cfg = load(Map.of(name, "some-value-0123456789"));

    assertEquals(1, cfg.warnings().size(), cfg.warnings().toString());
    assertTrue(cfg.warnings().get(0).startsWith(name + " is not supported here: "), cfg.warnings().get(0));
    assertFalse(cfg.warnings().get(0).contains("some-value-0123456789"), cfg.warnings().get(0));
  }

  @ParameterizedTest
  @CsvSource({"SSE,false", "GITLAB_USE_OAUTH,false", "NODE_TLS_REJECT_UNAUTHORIZED,1", "GITLAB_JOB_TOKEN,''"})
  void should_say_nothing_about_a_setting_that_asks_for_nothing(String name, String value) {
    GatewayConfig cfg = load(Map.of(name, value));

    assertEquals(List.of(), cfg.warnings());
  }

  @Test
  void should_end_every_advice_with_what_to_do_instead() {
    for (UnsupportedSettings.Name n : UnsupportedSettings.ALL) {
      assertTrue(n.message().contains(" instead"), n.message());
    }
  }

  @Test
  void should_honour_the_other_servers_names_for_the_client_token_and_the_proxy_trust() {
    GatewayConfig cfg = load(Map.of("STREAMABLE_HTTP_AUTH_TOKEN", "mcp-client-token-0123456789",
        "MCP_TRUST_PROXY", "true"));

    assertEquals("mcp-client-token-0123456789", cfg.mcpAuthToken().reveal());
    assertTrue(cfg.trustProxy());
  }

  @Test
  void should_name_GITLAB_INSTANCES_when_GITLAB_API_URL_lists_several_urls() {
    ConfigException e = problems(Map.of("GITLAB_API_URL", "https://gitlab.com,https://gitlab.corp"));

    assertTrue(e.problems().get(0).contains("several URLs are not supported here; name each instance in "
        + "GITLAB_INSTANCES instead"), e.problems().get(0));
  }
}
