package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.ConfigLoader.Entry;
import dev.gitlabmcp.gateway.config.ConfigLoader.Source;
import dev.gitlabmcp.gateway.config.GatewayConfig.Mode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How settings are resolved, checked and reported: what an operator sees at startup. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConfigLoaderTest {

  private static final String GITLAB_TOKEN = "glpat-server-side-0123456789";
  private static final String GOOD_MCP_TOKEN = "mcp-client-token-0123456789";

  @TempDir
  Path dir;

  private static GatewayConfig load(Map<String, String> flags, Map<String, String> env) {
    return ConfigLoader.withoutDefaultFile(flags, env).load(Mode.HTTP).config();
  }

  private static ConfigException problems(Map<String, String> flags, Map<String, String> env, Mode mode) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.withoutDefaultFile(flags, env).load(mode));
  }

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static Entry entry(ConfigLoader loader, Setting setting) {
    return loader.entries().stream().filter(e -> e.setting() == setting).findFirst().orElseThrow();
  }

  // ---- defaults

  @Test
  void should_use_built_in_defaults_when_nothing_is_set() {
    ConfigLoader.Loaded loaded = ConfigLoader.withoutDefaultFile(Map.of(), Map.of()).load(Mode.HTTP);
    GatewayConfig c = loaded.config();

    assertEquals("127.0.0.1", c.host());
    assertEquals(3002, c.port());
    assertEquals("", c.publicUrl());
    assertEquals(List.of(), c.allowedOrigins());
    assertEquals(List.of(), c.allowedHosts());
    assertEquals(4L * 1024 * 1024, c.maxBodyBytes());
    assertEquals(60, c.idleTimeoutSeconds());
    assertEquals(20, c.sseHeartbeatSeconds());
    assertEquals(0, c.httpVerticles());
    assertEquals(3600, c.sessionTimeoutSeconds());
    assertEquals(1000, c.maxSessions());
    assertFalse(c.mcpAuthToken().isSet());
    assertFalse(c.readOnly());
    assertEquals(60_000, c.maxOutputChars());
    assertEquals("text", c.logFormat());
    assertEquals("info", c.logLevel());

    GitLabConfig g = c.gitlab();
    assertEquals(URI.create("https://gitlab.com"), g.baseUrl());
    assertEquals("https://gitlab.com/api/v4", g.apiBase());
    assertFalse(g.token().isSet());
    assertTrue(g.http2());
    assertFalse(g.h2c());
    assertEquals(32, g.maxConnections());
    assertEquals(60, g.keepAliveSeconds());
    assertEquals(5000, g.connectTimeoutMs());
    assertEquals(30_000, g.requestTimeoutMs());
    assertEquals(8L * 1024 * 1024, g.maxResponseBytes());
    assertEquals(2, g.maxRetries());

    assertEquals(null, loaded.file());
    assertTrue(loaded.entries().stream().allMatch(e -> e.source() == Source.DEFAULT),
        "every entry comes from the default: " + loaded.entries());
    assertEquals(Settings.ALL.size(), loaded.entries().size());
  }

  // ---- precedence

  @Test
  void should_prefer_flag_over_env_over_file_over_default() throws IOException {
    Path file = yaml("""
        server:
          port: 4001
          sseHeartbeatSeconds: 7
        mcp:
          maxSessions: 55
        """);
    Map<String, String> env = Map.of("PORT", "4002", "MAX_SESSIONS", "66");
    Map<String, String> flags = Map.of("server.port", "4003");

    ConfigLoader loader = new ConfigLoader(flags, env, file);
    GatewayConfig c = loader.load(Mode.HTTP).config();

    assertEquals(4003, c.port(), "flag beats env and file");
    assertEquals(66, c.maxSessions(), "env beats file");
    assertEquals(7, c.sseHeartbeatSeconds(), "file beats default");
    assertEquals(60, c.idleTimeoutSeconds(), "default when nobody sets it");

    assertEquals(Source.FLAG, entry(loader, Settings.PORT).source());
    assertEquals("--server.port", entry(loader, Settings.PORT).origin());
    assertEquals(Source.ENV, entry(loader, Settings.MAX_SESSIONS).source());
    assertEquals("MAX_SESSIONS", entry(loader, Settings.MAX_SESSIONS).origin());
    assertEquals(Source.FILE, entry(loader, Settings.SSE_HEARTBEAT).source());
    assertEquals(file.toString(), entry(loader, Settings.SSE_HEARTBEAT).origin());
    assertEquals(Source.DEFAULT, entry(loader, Settings.IDLE_TIMEOUT).source());
  }

  @Test
  void should_read_the_file_named_by_GATEWAY_CONFIG() throws IOException {
    Path file = yaml("server:\n  port: 4100\n");

    ConfigLoader.Loaded loaded = ConfigLoader.withoutDefaultFile(Map.of(), Map.of("GATEWAY_CONFIG", file.toString()))
        .load(Mode.HTTP);

    assertEquals(4100, loaded.config().port());
    assertEquals(file, loaded.file());
  }

  @Test
  void should_accept_yaml_lists_and_comma_separated_strings() throws IOException {
    Path file = yaml("""
        server:
          allowedOrigins: [https://a.example.com, https://b.example.com]
          allowedHosts: "gw.example.com, gw2.example.com:8443"
        """);

    GatewayConfig c = new ConfigLoader(Map.of(), Map.of(), file).load(Mode.HTTP).config();

    assertEquals(List.of("https://a.example.com", "https://b.example.com"), c.allowedOrigins());
    assertEquals(List.of("gw.example.com", "gw2.example.com:8443"), c.allowedHosts());
  }

  @Test
  void should_report_a_missing_explicit_file() {
    Path missing = dir.resolve("nope.yaml");

    ConfigException e = assertThrows(ConfigException.class,
        () -> new ConfigLoader(Map.of(), Map.of(), missing).load(Mode.HTTP));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains(missing.toString()), e.problems().get(0));
    assertTrue(e.problems().get(0).contains("does not exist"), e.problems().get(0));
  }

  @Test
  void should_report_a_file_that_is_not_yaml() throws IOException {
    Path file = yaml("server:\n  port: [unclosed\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> new ConfigLoader(Map.of(), Map.of(), file).load(Mode.HTTP));

    assertTrue(e.problems().get(0).contains("is not valid YAML"), e.problems().toString());
  }

  // ---- GitLab URL

  @ParameterizedTest
  @CsvSource({
      "https://gitlab.example.com,              https://gitlab.example.com,        https://gitlab.example.com/api/v4",
      "https://gitlab.example.com/,             https://gitlab.example.com,        https://gitlab.example.com/api/v4",
      "https://gitlab.example.com/api/v4,       https://gitlab.example.com,        https://gitlab.example.com/api/v4",
      "https://gitlab.example.com/api/v4/,      https://gitlab.example.com,        https://gitlab.example.com/api/v4",
      "https://corp.example.com/gitlab,         https://corp.example.com/gitlab,   https://corp.example.com/gitlab/api/v4",
      "https://corp.example.com/gitlab/api/v4/, https://corp.example.com/gitlab,   https://corp.example.com/gitlab/api/v4",
      "http://localhost:8080/,                  http://localhost:8080,             http://localhost:8080/api/v4",
  })
  void should_normalize_GITLAB_API_URL(String given, String baseUrl, String apiBase) {
    GatewayConfig c = load(Map.of(), Map.of("GITLAB_API_URL", given));

    assertEquals(URI.create(baseUrl), c.gitlab().baseUrl());
    assertEquals(apiBase, c.gitlab().apiBase());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gitlab.example.com", "ftp://gitlab.example.com", "https://gitlab.example.com/?x=1",
      "https://gitlab.example.com/#top", "not a url"})
  void should_reject_a_GITLAB_API_URL_that_is_not_an_absolute_http_url(String given) {
    ConfigException e = problems(Map.of(), Map.of("GITLAB_API_URL", given), Mode.HTTP);

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("GITLAB_API_URL (gitlab.url) from GITLAB_API_URL"),
        e.problems().get(0));
  }

  // ---- every problem at once

  @Test
  void should_list_every_problem_in_one_exception() throws IOException {
    Path file = yaml("""
        server:
          bogus: 1
        """);
    Map<String, String> env = Map.of(
        "PORT", "abc",
        "SESSION_TIMEOUT_SECONDS", "5",
        "LOG_FORMAT", "xml",
        "GITLAB_API_URL", "ftp://gitlab.example.com");

    ConfigException e = assertThrows(ConfigException.class,
        () -> new ConfigLoader(Map.of("no.such", "1"), env, file).load(Mode.HTTP));

    List<String> p = e.problems();
    assertEquals(6, p.size(), e.getMessage());
    assertHas(p, "PORT (server.port) from PORT: 'abc' is not a whole number");
    assertHas(p, "SESSION_TIMEOUT_SECONDS (mcp.sessionTimeoutSeconds) from SESSION_TIMEOUT_SECONDS: 5 is out of range 60..86400");
    assertHas(p, "LOG_FORMAT (log.format) from LOG_FORMAT: 'xml' is not one of [text, json]");
    assertHas(p, "GITLAB_API_URL (gitlab.url) from GITLAB_API_URL: 'ftp://gitlab.example.com'");
    assertHas(p, file + ": unknown setting 'server.bogus'");
    assertHas(p, "unknown setting 'no.such' given on the command line");
    // The exception message a user reads lists them all too.
    p.forEach(problem -> assertTrue(e.getMessage().contains(problem), problem));
  }

  @Test
  void should_name_the_flag_when_a_flag_value_is_out_of_range() {
    ConfigException e = problems(Map.of("server.port", "99999"), Map.of(), Mode.HTTP);

    assertEquals(List.of("PORT (server.port) from --server.port: 99999 is out of range 0..65535"), e.problems());
  }

  private static void assertHas(List<String> problems, String start) {
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(start)),
        "expected a problem starting with <" + start + "> in " + problems);
  }

  // ---- secrets

  @Test
  void should_not_show_a_too_short_MCP_AUTH_TOKEN_in_the_problem() {
    String shortToken = "sh0rtSecr3t";

    ConfigException e = problems(Map.of(), Map.of("MCP_AUTH_TOKEN", shortToken), Mode.HTTP);

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("MCP_AUTH_TOKEN"), e.problems().get(0));
    assertTrue(e.problems().get(0).contains("at least 16 characters"), e.problems().get(0));
    assertFalse(e.getMessage().contains(shortToken), e.getMessage());
  }

  @Test
  void should_mask_secrets_in_entries_shown_to_the_user() {
    ConfigLoader loader = ConfigLoader.withoutDefaultFile(Map.of(),
        Map.of("GITLAB_PERSONAL_ACCESS_TOKEN", GITLAB_TOKEN, "MCP_AUTH_TOKEN", GOOD_MCP_TOKEN));

    for (Entry e : loader.entries()) {
      assertFalse(e.shown().contains(GITLAB_TOKEN), e.setting().key() + " shows " + e.shown());
      assertFalse(e.shown().contains(GOOD_MCP_TOKEN), e.setting().key() + " shows " + e.shown());
    }
    assertEquals("****** (set, " + GITLAB_TOKEN.length() + " chars)", entry(loader, Settings.GITLAB_TOKEN).shown());
    assertEquals("(not set)", ConfigLoader.withoutDefaultFile(Map.of(), Map.of()).entries().stream()
        .filter(x -> x.setting() == Settings.MCP_AUTH_TOKEN).findFirst().orElseThrow().shown());
  }

  @Test
  void should_not_show_credentials_of_a_rejected_GITLAB_API_URL() {
    ConfigException e = problems(Map.of(), Map.of("GITLAB_API_URL", "https://deploy:hunter2-pa55@gitlab.example.com"),
        Mode.HTTP);

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("GITLAB_API_URL"), e.problems().get(0));
    assertFalse(e.getMessage().contains("hunter2-pa55"), e.getMessage());
  }

  // ---- server-side token on a reachable host

  @Test
  void should_require_MCP_AUTH_TOKEN_for_a_server_side_token_on_a_public_host_over_http() {
    ConfigException e = problems(Map.of(),
        Map.of("HOST", "0.0.0.0", "GITLAB_PERSONAL_ACCESS_TOKEN", GITLAB_TOKEN), Mode.HTTP);

    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("MCP_AUTH_TOKEN"), e.problems().get(0));
    assertTrue(e.problems().get(0).contains("0.0.0.0"), e.problems().get(0));
    assertFalse(e.getMessage().contains(GITLAB_TOKEN), e.getMessage());
  }

  @Test
  void should_not_require_MCP_AUTH_TOKEN_over_stdio() {
    GatewayConfig c = ConfigLoader.withoutDefaultFile(Map.of(),
        Map.of("HOST", "0.0.0.0", "GITLAB_PERSONAL_ACCESS_TOKEN", GITLAB_TOKEN)).load(Mode.STDIO).config();

    assertEquals(GITLAB_TOKEN, c.gitlab().token().reveal());
  }

  @Test
  void should_accept_a_public_host_with_a_long_enough_MCP_AUTH_TOKEN() {
    GatewayConfig c = load(Map.of(),
        Map.of("HOST", "0.0.0.0", "GITLAB_PERSONAL_ACCESS_TOKEN", GITLAB_TOKEN, "MCP_AUTH_TOKEN", GOOD_MCP_TOKEN));

    assertEquals("0.0.0.0", c.host());
    assertEquals(GOOD_MCP_TOKEN, c.mcpAuthToken().reveal());
  }

  @Test
  void should_accept_a_public_host_without_a_gitlab_token() {
    GatewayConfig c = load(Map.of(), Map.of("HOST", "0.0.0.0"));

    assertEquals("0.0.0.0", c.host());
    assertFalse(c.gitlab().token().isSet());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"})
  void should_accept_a_server_side_token_on_a_loopback_host(String host) {
    GatewayConfig c = load(Map.of(), Map.of("HOST", host, "GITLAB_PERSONAL_ACCESS_TOKEN", GITLAB_TOKEN));

    assertEquals(host, c.host());
  }

  // ---- compatibility names and booleans

  @Test
  void should_accept_GITLAB_READ_ONLY_MODE() {
    assertTrue(load(Map.of(), Map.of("GITLAB_READ_ONLY_MODE", "true")).readOnly());
  }

  @Test
  void should_accept_STREAMABLE_HTTP() {
    ConfigLoader loader = ConfigLoader.withoutDefaultFile(Map.of(), Map.of("STREAMABLE_HTTP", "false"));

    loader.load(Mode.HTTP);

    assertEquals(Source.ENV, entry(loader, Settings.STREAMABLE_HTTP).source());
  }

  @ParameterizedTest
  @CsvSource({"true,true", "1,true", "yes,true", "on,true", "TRUE,true", " Yes ,true",
      "false,false", "0,false", "no,false", "off,false"})
  void should_parse_booleans(String given, boolean expected) {
    assertEquals(expected, load(Map.of(), Map.of("GITLAB_READ_ONLY_MODE", given)).readOnly());
  }

  @Test
  void should_reject_a_boolean_that_is_neither_true_nor_false() {
    ConfigException e = problems(Map.of(), Map.of("GITLAB_READ_ONLY_MODE", "maybe"), Mode.HTTP);

    assertEquals(List.of("GITLAB_READ_ONLY_MODE (tools.readOnly) from GITLAB_READ_ONLY_MODE: 'maybe' is not true or false"),
        e.problems());
  }
}
