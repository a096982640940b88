package dev.gitlabmcp.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.core.Version;
import dev.gitlabmcp.gateway.testing.ConsoleCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as an operator uses it. Runs in the repository root, so conf/gateway.yaml is
 * read as it would be from a checkout.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MainTest {

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private String out() {
    return console.out();
  }

  private String err() {
    return console.err();
  }

  @Test
  void should_exit_78_and_name_the_problem_when_config_check_finds_one() {
    int code = Main.run(new String[] {"config", "check", "--set", "server.port=99999"});

    assertEquals(78, code, out());
    assertTrue(out().contains("1 problem(s):"), out());
    assertTrue(out().contains("PORT (server.port) from --server.port: 99999 is out of range 0..65535"), out());
    assertFalse(out().contains("Configuration is valid."), out());
  }

  @Test
  void should_list_every_problem_found_by_config_check() {
    int code = Main.run(new String[] {"config", "check", "--port", "abc", "--set", "log.format=xml",
        "--set", "mcp.sessionTimeoutSeconds=5"});

    assertEquals(78, code, out());
    assertTrue(out().contains("3 problem(s):"), out());
    assertTrue(out().contains("'abc' is not a whole number"), out());
    assertTrue(out().contains("'xml' is not one of [text, json]"), out());
    assertTrue(out().contains("5 is out of range 60..86400"), out());
  }

  @Test
  void should_say_the_configuration_is_valid_and_exit_0() {
    int code = Main.run(new String[] {"config", "check", "--set", "mcp.maxSessions=50"});

    assertEquals(0, code, out());
    assertTrue(out().contains("Configuration is valid."), out());
    assertTrue(out().contains("file conf" + java.io.File.separator + "gateway.yaml"), out());
    assertTrue(out().lines().anyMatch(l -> l.contains("mcp.maxSessions") && l.contains("50")
        && l.contains("(--mcp.maxSessions)")), out());
    assertTrue(out().lines().anyMatch(l -> l.contains("server.port") && l.contains("3002")), out());
  }

  @Test
  void should_mask_a_token_given_on_the_command_line() {
    String token = "glpat-secretvalue123456";

    int code = Main.run(new String[] {"config", "check", "--set", "gitlab.token=" + token});

    assertEquals(0, code, out());
    assertFalse(out().contains("secretvalue"), out());
    assertFalse(err().contains("secretvalue"), err());
    assertTrue(out().lines().anyMatch(l -> l.contains("gitlab.token") && l.contains("****** (set, " + token.length()
        + " chars)")), out());
  }

  @Test
  void should_check_for_stdio_without_requiring_MCP_AUTH_TOKEN() {
    String[] publicHostWithToken = {"config", "check", "--host", "0.0.0.0", "--set", "gitlab.token=glpat-abcdefghijklmnop"};

    int http = Main.run(publicHostWithToken);
    String httpOut = out();
    console.resetOut();
    String[] stdio = java.util.Arrays.copyOf(publicHostWithToken, publicHostWithToken.length + 1);
    stdio[stdio.length - 1] = "--stdio";
    int overStdio = Main.run(stdio);

    assertEquals(78, http, httpOut);
    assertTrue(httpOut.contains("MCP_AUTH_TOKEN"), httpOut);
    assertEquals(0, overStdio, out());
  }

  @Test
  void should_not_start_serving_with_an_invalid_setting() {
    int code = Main.run(new String[] {"serve", "--set", "server.port=99999"});

    assertEquals(78, code, err());
    assertTrue(err().contains("invalid configuration, not starting"), err());
    assertTrue(err().contains("99999 is out of range 0..65535"), err());
    assertTrue(err().contains("config check"), err());
  }

  @Test
  void should_serve_without_arguments_as_with_serve(@TempDir Path workDir) throws Exception {
    // Main.run takes a shorter way without arguments (`java -jar`) and with `serve` alone (the image's command):
    // a process of its own shows each still serves, with its settings read and checked.
    for (List<String> args : List.of(List.<String>of(), List.of("serve"))) {
      List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().put("HOME", workDir.toString());
      pb.environment().put("PORT", "99999");
      Process p = pb.start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
      assertEquals(78, p.exitValue(), args + ": " + output);
      assertTrue(output.contains("invalid configuration, not starting"), output);
      assertTrue(output.contains("99999 is out of range 0..65535"), output);
    }
  }

  @Test
  void should_not_start_serving_by_default_with_an_invalid_setting() {
    int code = Main.run(new String[] {"--set", "log.level=loud"});

    assertEquals(78, code, err());
    assertTrue(err().contains("'loud' is not one of"), err());
  }

  @Test
  void should_not_offer_listener_options_in_stdio_help() {
    int code = Main.run(new String[] {"stdio", "--help"});

    assertEquals(0, code, err());
    assertTrue(out().contains("--gitlab-url"), out());
    assertFalse(out().contains("--host"), "stdio listens on no address:\n" + out());
    assertFalse(out().contains("--port"), "stdio listens on no port:\n" + out());
  }

  @Test
  void should_offer_listener_options_where_http_is_served_or_checked() {
    for (String[] args : new String[][] {{"serve", "--help"}, {"--help"}, {"config", "check", "--help"}}) {
      console.resetOut();
      assertEquals(0, Main.run(args), err());
      assertTrue(out().contains("--host") && out().contains("--port"), String.join(" ", args) + ":\n" + out());
    }
  }

  @Test
  void should_name_the_address_when_the_port_is_taken() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      int code = Main.run(new String[] {"serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
          "--set", "gitlab.backgroundChecks=false"});

      assertEquals(1, code, err());
      assertTrue(err().contains("cannot listen on 127.0.0.1:" + port), err());
      assertTrue(err().contains("already in use"), err());
    }
  }

  @Test
  void should_print_the_version() {
    int code = Main.run(new String[] {"--version"});

    assertEquals(0, code);
    assertEquals("gitlab-mcp-gateway " + Version.VERSION, out().strip());
  }

  @Test
  void should_not_print_credentials_written_into_the_gitlab_url() {
    int code = Main.run(new String[] {"config", "check", "--gitlab-url", "https://deploy:hunter2-pa55@gitlab.example.com"});

    assertEquals(78, code, out());
    assertTrue(out().contains("GITLAB_API_URL"), out());
    assertFalse(out().contains("hunter2-pa55"), out());
  }
}
