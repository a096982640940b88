package dev.gitlabmcp.gateway.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.Main;
import dev.gitlabmcp.gateway.config.InstancesLoader;
import dev.gitlabmcp.gateway.testing.ConsoleCapture;
import dev.gitlabmcp.gateway.testing.SelfSignedCert;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code instances} commands as an operator runs them: what they print and their exit codes. WireMock
 * plays GitLab over h2 with TLS (a keytool certificate the instances file trusts through caFile) and over
 * plain HTTP; edits go to temporary files.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstancesCommandTest {

  private static final String TOKEN = "glpat-instances-cli-0123456789";
  private static final String VERSION = "/api/v4/version";
  private static final String USER = "/api/v4/user";

  private static Path certDir;
  private static SelfSignedCert cert;
  private static WireMockServer tlsGitLab;
  private static WireMockServer plainGitLab;

  @TempDir
  Path dir;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @BeforeAll
  static void startGitLabs() throws Exception {
    certDir = Files.createTempDirectory("instances-cli-cert");
    cert = SelfSignedCert.create(certDir);
    tlsGitLab = new WireMockServer(WireMockConfiguration.options().httpDisabled(true).dynamicHttpsPort()
        .keystorePath(cert.keyStore().toString()).keystorePassword(cert.password()).keyManagerPassword(cert.password())
        .keystoreType("PKCS12"));
    plainGitLab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    for (WireMockServer gitlab : List.of(tlsGitLab, plainGitLab)) {
      gitlab.start();
      // As GitLab: /version needs a token, /user says whose it is.
      gitlab.stubFor(get(urlEqualTo(VERSION)).willReturn(json(401, "{\"message\":\"401 Unauthorized\"}")));
      gitlab.stubFor(get(urlEqualTo(VERSION)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
          .willReturn(json(200, "{\"version\":\"17.2.1-ee\",\"revision\":\"6f2c3a1\",\"enterprise\":true}")));
      gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(401, "{\"message\":\"401 Unauthorized\"}")));
      gitlab.stubFor(get(urlEqualTo(USER)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
          .willReturn(json(200, "{\"id\":7,\"username\":\"ada\"}")));
    }
  }

  @AfterAll
  static void stopGitLabs() {
    tlsGitLab.stop();
    plainGitLab.stop();
  }

  // ---- list, info

  @Test
  void should_list_every_instance_in_a_table() throws Exception {
    Path file = write("instances.json", twoInstances());

    int code = run("instances", "list", "--instances", file.toString());

    assertEquals(0, code, err());
    List<String> lines = out().lines().toList();
    assertTrue(lines.get(0).matches("NAME\\s+LABEL\\s+URL\\s+DEFAULT\\s+HTTP2\\s+RATE LIMIT"), lines.get(0));
    assertTrue(lines.get(1).matches("gitlab-com\\s+GitLab\\.com\\s+https://gitlab\\.com\\s+yes\\s+h2 via ALPN\\s+"
        + "20/s, burst 40, 32 concurrent"), lines.get(1));
    assertTrue(lines.get(2).matches("corp\\s+Corp GitLab\\s+http://gitlab\\.corp\\.example\\.com/gitlab\\s+-\\s+h2c\\s+"
        + "10/s, burst 20, 32 concurrent"), lines.get(2));
    assertEquals("2 instance(s) from " + file, lines.get(3));
  }

  @Test
  void should_show_every_effective_field_of_an_instance_without_its_secrets() throws Exception {
    Path file = write("instances.json", twoInstances());

    int code = run("instances", "info", "corp", "--instances", file.toString());

    assertEquals(0, code, err());
    String o = out();
    for (String line : List.of("name +corp", "label +Corp GitLab", "url +http://gitlab.corp.example.com/gitlab",
        "api +http://gitlab.corp.example.com/gitlab/api/v4", "default +no",
        "token +not set \\(GITLAB_PERSONAL_ACCESS_TOKEN_CORP\\)", "http.h2c +yes", "http.maxConnections +32",
        "http.keepAliveSeconds +60", "http.requestTimeoutMs +30000", "http.proxy +http://proxy.corp:3128",
        "http.noProxy +.corp.example.com", "oauth.clientId +4711", "oauth.scopes +api read_user",
        "oauth.clientSecret +not set \\(GITLAB_OAUTH_CLIENT_SECRET_CORP or its _FILE\\)",
        "rateLimit.requestsPerSecond +10", "rateLimit.burst +20", "rateLimit.queueTimeoutMs +5000")) {
      assertTrue(o.lines().anyMatch(l -> l.matches(line + ".*")), line + " in\n" + o);
    }
    assertTrue(o.contains("(not used: host is in noProxy)"), o);
  }

  @Test
  void should_exit_2_and_name_the_configured_instances_for_an_unknown_one() throws Exception {
    Path file = write("instances.json", twoInstances());

    int code = run("instances", "info", "nope", "--instances", file.toString());

    assertEquals(2, code);
    assertTrue(err().contains("unknown instance 'nope'; configured: gitlab-com, corp"), err());
  }

  @Test
  void should_exit_78_when_list_reads_an_invalid_file() throws Exception {
    Path file = write("instances.json", "{\"instances\": [{\"name\": \"Bad Name\", \"url\": \"https://x\"}]}");

    int code = run("instances", "list", "--instances", file.toString());

    assertEquals(78, code);
    assertTrue(err().contains("instances[0].name must be a DNS label"), err());
  }

  // ---- test

  @Test
  void should_report_tls_http2_gitlab_version_user_and_latency_with_a_token() throws Exception {
    Path file = write("instances.json", tlsInstance(true));

    int code = run("instances", "test", "corp", "--instances", file.toString(), "--token", TOKEN);

    assertEquals(0, code, out() + err());
    String o = out();
    assertTrue(o.contains("corp (https://localhost:" + tlsGitLab.httpsPort() + ")"), o);
    assertTrue(o.matches("(?s).*reachable: yes, HTTP 200 from /api/v4/version in \\d+ ms.*"), o);
    assertTrue(o.matches("(?s).*tls: +TLSv1\\.[23], certificate verified.*"), o);
    assertTrue(o.matches("(?s).*http: +HTTP/2\n.*"), o);
    assertTrue(o.matches("(?s).*gitlab: +17\\.2\\.1-ee \\(Enterprise Edition\\).*"), o);
    assertTrue(o.matches("(?s).*user: +ada\n.*"), o);
    assertTrue(o.contains("All 1 instance(s) OK."), o);
    assertFalse((o + err()).contains(TOKEN), "the token is never printed");
    tlsGitLab.verify(getRequestedFor(urlEqualTo(USER)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN)));
  }

  @Test
  void should_reach_gitlab_without_a_token_and_say_the_version_needs_one() throws Exception {
    Path file = write("instances.json", tlsInstance(true));
    tlsGitLab.resetRequests();

    int code = run("instances", "test", "--instances", file.toString());

    assertEquals(0, code, out() + err());
    assertTrue(out().contains("reachable: yes, HTTP 401"), out());
    assertTrue(out().contains("version not shown (HTTP 401 without a token the instance accepts; try --token)"), out());
    assertFalse(out().contains("user:"), out());
    tlsGitLab.verify(0, getRequestedFor(urlEqualTo(USER)));
    tlsGitLab.verify(getRequestedFor(urlEqualTo(VERSION)).withHeader("PRIVATE-TOKEN", absent()));
  }

  @Test
  void should_exit_1_with_a_tls_error_when_the_certificate_is_not_trusted() throws Exception {
    Path file = write("instances.json", tlsInstance(false));

    int code = run("instances", "test", "corp", "--instances", file.toString(), "--token", TOKEN);

    assertEquals(1, code, out());
    assertTrue(out().contains("reachable: no"), out());
    assertTrue(out().contains("TLS handshake failed"), out());
    assertTrue(out().contains("set http.caFile to the PEM of that CA"), out());
    assertTrue(out().contains("1 of 1 instance(s) FAILED."), out());
    assertFalse((out() + err()).contains(TOKEN));
  }

  @Test
  void should_exit_1_when_the_token_is_rejected() throws Exception {
    Path file = write("instances.json", plainInstances());

    int code = run("instances", "test", "plain", "--instances", file.toString(), "--token", "glpat-wrong-wrong-wrong");

    assertEquals(1, code, out());
    assertTrue(out().contains("http:      HTTP/1.1"), out());
    assertTrue(out().contains("tls:       none (plain http)"), out());
    assertTrue(out().contains("user:      token not accepted (HTTP 401 from /api/v4/user)"), out());
    assertFalse(out().contains("glpat-wrong"), out());
  }

  @Test
  void should_test_every_instance_and_exit_1_when_one_is_unreachable() throws Exception {
    Path file = write("instances.json", plainInstances());

    int code = run("instances", "test", "--instances", file.toString(), "--token", TOKEN);

    assertEquals(1, code, out());
    String o = out();
    assertTrue(o.contains("plain (http://127.0.0.1:" + plainGitLab.port() + ")"), o);
    assertTrue(o.contains("user:      ada"), o);
    assertTrue(o.matches("(?s).*down \\(http://127\\.0\\.0\\.1:\\d+\\)\n  reachable: no, after \\d+ ms: "
        + "connection failed: .*"), o);
    assertTrue(o.contains("1 of 2 instance(s) FAILED."), o);
  }

  @Test
  void should_exit_2_when_testing_an_unknown_instance() throws Exception {
    Path file = write("instances.json", plainInstances());

    int code = run("instances", "test", "nope", "--instances", file.toString());

    assertEquals(2, code);
    assertTrue(err().contains("unknown instance 'nope'"), err());
  }

  // ---- validate, sample-config

  @Test
  void should_say_a_valid_file_is_valid() throws Exception {
    Path file = write("instances.json", twoInstances());

    int code = run("instances", "validate", file.toString());

    assertEquals(0, code, out() + err());
    assertEquals(file + " is valid: 2 instance(s): gitlab-com (default), corp", out().strip());
  }

  @Test
  void should_list_every_problem_with_its_json_path_and_exit_78() throws Exception {
    Path file = write("instances.yaml", """
        instances:
          - name: corp
            url: ftp://gitlab.corp
          - name: corp
            url: https://gitlab.com
            http: {maxConnections: 0, colour: blue}
            rateLimit: {requestsPerSecond: 50, burst: 10}
        """);

    int code = run("instances", "validate", file.toString());

    assertEquals(78, code, out());
    String o = out();
    assertTrue(o.startsWith(file + ": 5 problem(s):"), o);
    assertTrue(o.contains("  - instances[0].url must be an absolute http(s) URL"), o);
    assertTrue(o.contains("  - instances[1].rateLimit.burst must be >= requestsPerSecond (10 < 50)"), o);
    assertTrue(o.contains("  - instances[1].name 'corp' is used twice"), o);
    assertTrue(o.contains("  - instances[1].http.colour is not a known field"), o);
    assertTrue(o.contains("  - instances[1].http.maxConnections must be in 1..1024 (is 0)"), o);
  }

  @Test
  void should_print_a_sample_that_validates_as_json_and_as_yaml() throws Exception {
    int json = run("instances", "sample-config");
    String jsonText = out();
    console.resetOut();
    int yaml = run("instances", "sample-config", "--format", "yaml");
    String yamlText = out();
    console.resetOut();
    Path jsonFile = write("sample.json", jsonText);
    Path yamlFile = write("sample.yaml", yamlText);

    assertEquals(0, json);
    assertEquals(0, yaml);
    assertTrue(jsonText.contains("\n      \"name\": \"gitlab-com\",\n"), jsonText);
    assertTrue(jsonText.contains("\"scopes\": [\"api\"]"), jsonText);
    assertTrue(yamlText.contains("\n  - name: gitlab-com\n"), yamlText);
    assertEquals(InstancesLoader.sample(), new JsonObject(jsonText));
    assertEquals(0, run("instances", "validate", jsonFile.toString()), out());
    assertEquals(0, run("instances", "validate", yamlFile.toString()), out());
  }

  @Test
  void should_exit_2_for_an_unknown_sample_format() {
    int code = run("instances", "sample-config", "--format", "toml");

    assertEquals(2, code);
    assertTrue(err().contains("toml"), err());
  }

  // ---- add, remove

  @Test
  void should_add_an_instance_and_keep_the_file_readable() throws Exception {
    Path file = write("instances.json", twoInstances());

    int code = run("instances", "add", "lab", "https://gitlab.lab.example.org/api/v4/", "--label", "Lab", "--default",
        "--file", file.toString());

    assertEquals(0, code, err());
    assertTrue(out().contains("added instance lab (https://gitlab.lab.example.org) as the default in " + file
        + "; 3 instance(s): gitlab-com, corp, lab"), out());
    String text = Files.readString(file);
    assertTrue(text.endsWith("""
            {
              "name": "lab",
              "url": "https://gitlab.lab.example.org",
              "label": "Lab",
              "default": true
            }
          ]
        }
        """), text);
    assertFalse(text.contains("\"default\": true,\n      \"oauth\""), "the old default was cleared:\n" + text);
    assertEquals(0, run("instances", "validate", file.toString()));
    assertTrue(out().contains("lab (default)"), out());
  }

  @Test
  void should_create_the_file_when_adding_the_first_instance() throws Exception {
    Path file = dir.resolve("conf").resolve("instances.json");

    int code = run("instances", "add", "corp", "https://gitlab.corp.example.com", "--file", file.toString());

    assertEquals(0, code, err());
    assertEquals("""
        {
          "instances": [
            {
              "name": "corp",
              "url": "https://gitlab.corp.example.com"
            }
          ]
        }
        """, Files.readString(file));
  }

  @Test
  void should_not_write_an_addition_that_would_make_the_file_invalid() throws Exception {
    Path file = write("instances.json", twoInstances());
    String before = Files.readString(file);

    int duplicate = run("instances", "add", "corp", "https://other.example.com", "--file", file.toString());
    String duplicateErr = err();
    console.resetErr();
    int badUrl = run("instances", "add", "new", "gitlab.example.com", "--file", file.toString());

    assertEquals(78, duplicate);
    assertTrue(duplicateErr.contains(file + " not changed: the result would have 1 problem(s):"), duplicateErr);
    assertTrue(duplicateErr.contains("instances[2].name 'corp' is used twice"), duplicateErr);
    assertEquals(78, badUrl);
    assertTrue(err().contains("instances[2].url must be an absolute http(s) URL"), err());
    assertEquals(before, Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void should_remove_an_instance_from_a_yaml_file_and_say_which_one_is_default_now() throws Exception {
    Path file = write("instances.yaml", """
        # our GitLabs
        instances:
          - name: gitlab-com
            url: https://gitlab.com
            default: true
          - name: corp
            url: https://gitlab.corp.example.com
        """);

    int code = run("instances", "remove", "gitlab-com", "--file", file.toString());

    assertEquals(0, code, err());
    assertTrue(out().contains("removed instance gitlab-com; it was the default, now the first instance (corp) is in "
        + file + "; 1 instance(s): corp"), out());
    assertTrue(out().contains("note: YAML comments are not kept"), out());
    assertEquals("""
        instances:
          - name: corp
            url: https://gitlab.corp.example.com
        """, Files.readString(file));
  }

  @Test
  void should_not_remove_the_last_instance() throws Exception {
    Path file = write("instances.json", "{\"instances\": [{\"name\": \"plain\", \"url\": \"http://127.0.0.1\"}]}");
    String before = Files.readString(file);

    int code = run("instances", "remove", "plain", "--file", file.toString());

    assertEquals(78, code, err());
    assertTrue(err().contains("instances must be a non-empty array"), err());
    assertEquals(before, Files.readString(file));
  }

  @Test
  void should_exit_2_when_removing_an_unknown_instance() throws Exception {
    Path file = write("instances.json", twoInstances());

    int code = run("instances", "remove", "nope", "--file", file.toString());

    assertEquals(2, code);
    assertTrue(err().contains("no instance named 'nope' in " + file + " (instances: gitlab-com, corp)"), err());
  }

  @Test
  void should_keep_the_permissions_of_an_edited_file() throws Exception {
    Path file = write("instances.json", twoInstances());
    var perms = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(file, perms);

    assertEquals(0, run("instances", "remove", "corp", "--file", file.toString()), err());

    assertEquals(perms, Files.getPosixFilePermissions(file));
  }

  // ---- helpers

  private static int run(String... args) {
    return Main.run(args);
  }

  private String out() {
    return console.out();
  }

  private String err() {
    return console.err();
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  private static String twoInstances() {
    return """
        {
          "defaults": {
            "http": {"http2": true, "maxConnections": 32, "keepAliveSeconds": 60, "requestTimeoutMs": 30000},
            "rateLimit": {"requestsPerSecond": 20, "burst": 40, "maxConcurrent": 32, "queueTimeoutMs": 5000}
          },
          "instances": [
            {"name": "gitlab-com", "url": "https://gitlab.com/", "label": "GitLab.com", "default": true,
             "oauth": {"clientId": "", "scopes": ["api"]}},
            {"name": "corp", "url": "http://gitlab.corp.example.com/gitlab/api/v4", "label": "Corp GitLab",
             "oauth": {"clientId": 4711, "scopes": ["api", "read_user"]},
             "http": {"h2c": true, "proxy": "http://proxy.corp:3128", "noProxy": [".corp.example.com"]},
             "rateLimit": {"requestsPerSecond": 10, "burst": 20}}
          ]
        }
        """;
  }

  private String tlsInstance(boolean withCa) {
    return new JsonObject().put("instances", new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("name", "corp").put("url", "https://localhost:" + tlsGitLab.httpsPort())
        .put("http", new JsonObject().put("caFile", withCa ? cert.pem().toString() : "")
            // Generous: a JVM's first TLS handshake on a loaded 2-core machine has taken over 5 s.
            .put("connectTimeoutMs", 10_000).put("requestTimeoutMs", 30_000)))).encodePrettily();
  }

  private String plainInstances() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    return """
        {"instances": [
          {"name": "plain", "url": "http://127.0.0.1:%d", "http": {"requestTimeoutMs": 5000}},
          {"name": "down", "url": "http://127.0.0.1:%d", "http": {"connectTimeoutMs": 1000, "requestTimeoutMs": 2000}}
        ]}
        """.formatted(plainGitLab.port(), closedPort);
  }
}
