package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.Main;
import dev.gitlabmcp.gateway.config.GatewayConfig.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What `config check` tells an operator: the values in use, where they come from, and which source wins. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConfigReportTest {

  @TempDir
  Path dir;

  private static String check(Map<String, String> env) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConfigReport.print(ConfigLoader.withoutDefaultFile(Map.of(), env), Mode.HTTP,
        new PrintStream(bytes, true, StandardCharsets.UTF_8), cfg -> List.of());
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String row(String out, String key) {
    return out.lines().filter(l -> l.trim().startsWith(key + " ")).findFirst().orElse("(no row for " + key + ")");
  }

  private Path instancesFile() throws IOException {
    return Files.writeString(dir.resolve("instances.json"),
        "{\"instances\": [{\"name\": \"corp\", \"url\": \"https://gitlab.corp.example\"}]}");
  }

  @Test
  void should_show_readonly_when_GITLAB_READ_ONLY_MODE_is_true() {
    String out = check(Map.of("GITLAB_READ_ONLY_MODE", "true"));

    assertTrue(out.contains("Permission mode: readonly (GITLAB_READ_ONLY_MODE=true wins over "
        + "GITLAB_PERMISSION_MODE=full)"), out);
    assertTrue(row(out, "tools.permissionMode").endsWith("-> readonly (GITLAB_READ_ONLY_MODE)"), out);
    assertTrue(out.endsWith("Configuration is valid.\n"), out);
  }

  @Test
  void should_not_name_GITLAB_API_URL_as_the_source_when_it_is_unset() {
    String out = check(Map.of());

    assertTrue(out.contains("GitLab instances (from the built-in default of GITLAB_API_URL;"), out);
    assertFalse(out.contains("(from GITLAB_API_URL"), out);
  }

  @Test
  void should_name_GITLAB_API_URL_as_the_source_when_it_is_set() {
    String out = check(Map.of("GITLAB_API_URL", "https://gitlab.example.org"));

    assertTrue(out.contains("GitLab instances (from GITLAB_API_URL;"), out);
    assertTrue(out.contains("https://gitlab.example.org"), out);
  }

  @Test
  void should_say_that_an_instances_file_wins_over_GITLAB_API_URL() throws IOException {
    Path file = instancesFile();

    String out = check(Map.of("GITLAB_API_URL", "https://gitlab.example.org", "GITLAB_INSTANCES_FILE", file.toString()));

    assertTrue(row(out, "gitlab.url").endsWith("-> not used: the instances come from " + file), out);
    assertTrue(out.contains("GitLab instances (from " + file + "; an instances file wins over GITLAB_INSTANCES, "
        + "which wins over GITLAB_API_URL):"), out);
    assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("corp") && l.contains("https://gitlab.corp.example")),
        out);
    assertTrue(out.contains("1 warning(s):\n  - GITLAB_API_URL (gitlab.url) from GITLAB_API_URL is not used"), out);
  }

  @Test
  void should_show_the_proxy_and_the_default_project_in_use() {
    String out = check(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", ".corp", "GITLAB_PROJECT_ID",
        "team/app"));

    assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("default") && l.contains("proxy http://proxy.corp:3128 "
        + "except for .corp")), out);
    assertTrue(out.contains("Default project (a call without project_id): team/app (from GITLAB_PROJECT_ID)"), out);
  }

  @Test
  void should_report_a_setting_of_the_other_server_as_not_supported_instead_of_valid() {
    String out = check(Map.of("SSE", "true", "GITLAB_DISABLE_VERSION_CHECK", "true"));

    assertTrue(out.contains("1 warning(s):\n  - GITLAB_DISABLE_VERSION_CHECK is not supported here"), out);
    assertTrue(out.contains("1 problem(s):\n  - SSE is not supported here: the legacy SSE transport"), out);
    assertFalse(out.contains("Configuration is valid."), out);
  }

  // ---- --instances on the commands that run or check the gateway

  private static int main(PrintStream out, String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    System.setOut(out);
    System.setErr(out);
    try {
      return new CommandLine(new Main()).execute(args);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  @Test
  void should_accept_instances_on_config_check() throws IOException {
    Path file = instancesFile();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int code = main(new PrintStream(bytes, true, StandardCharsets.UTF_8), "config", "check", "--instances",
        file.toString());

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.contains("GitLab instances (from " + file), out);
  }

  @Test
  void should_accept_instances_on_serve_and_stdio_and_read_that_file() {
    Path missing = dir.resolve("missing.json");
    for (String command : List.of("serve", "stdio")) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      int code = main(new PrintStream(bytes, true, StandardCharsets.UTF_8), command, "--instances", missing.toString());

      String out = bytes.toString(StandardCharsets.UTF_8);
      assertEquals(78, code, command + ": " + out);
      assertTrue(out.contains("GitLab instances (" + missing + "): instances file " + missing + " cannot be read"),
          command + ": " + out);
    }
  }
}
