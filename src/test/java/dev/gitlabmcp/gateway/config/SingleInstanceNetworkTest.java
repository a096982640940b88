package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.GatewayConfig.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS_PROXY, HTTP_PROXY, NO_PROXY and GITLAB_CA_CERT_PATH, as other GitLab clients read them, for one instance. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SingleInstanceNetworkTest {

  @TempDir
  Path dir;

  private static GatewayConfig load(Map<String, String> env) {
    return ConfigLoader.withoutDefaultFile(Map.of(), env).load(Mode.HTTP).config();
  }

  @Test
  void should_reach_an_https_gitlab_through_HTTPS_PROXY() {
    GitLabConfig gitlab = load(Map.of("GITLAB_API_URL", "https://gitlab.corp.example", "HTTPS_PROXY",
        "http://proxy.corp:3128", "HTTP_PROXY", "http://other:8080")).gitlab();

    assertEquals("http://proxy.corp:3128", gitlab.proxy());
  }

  @Test
  void should_reach_a_plain_http_gitlab_through_HTTP_PROXY() {
    GitLabConfig gitlab = load(Map.of("GITLAB_API_URL", "http://gitlab.lab", "HTTPS_PROXY", "http://proxy.corp:3128",
        "HTTP_PROXY", "http://other:8080")).gitlab();

    assertEquals("http://other:8080", gitlab.proxy());
  }

  @Test
  void should_take_NO_PROXY_hosts_without_their_ports() {
    GitLabConfig gitlab = load(Map.of("HTTPS_PROXY", "http://proxy.corp:3128",
        "NO_PROXY", "localhost,.corp.example, gitlab.com:443")).gitlab();

    assertEquals(List.of("localhost", ".corp.example", "gitlab.com"), gitlab.noProxy());
  }

  @Test
  void should_trust_the_CA_file_of_GITLAB_CA_CERT_PATH() throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");

    assertEquals(ca.toString(), load(Map.of("GITLAB_CA_CERT_PATH", ca.toString())).gitlab().caFile());
  }

  @Test
  void should_refuse_a_CA_file_that_cannot_be_read() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("GITLAB_CA_CERT_PATH",
        dir.resolve("missing.pem").toString())));

    assertEquals(List.of("GITLAB_CA_CERT_PATH (gitlab.caFile) " + dir.resolve("missing.pem") + " cannot be read"),
        e.problems());
  }

  @Test
  void should_refuse_a_TLS_proxy_with_a_clear_message() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("HTTPS_PROXY", "https://proxy:3128")));

    assertTrue(e.problems().get(0).startsWith("HTTPS_PROXY (gitlab.httpsProxy) must be an http://host:port proxy URL"),
        e.problems().get(0));
  }

  @Test
  void should_refuse_a_proxy_that_asks_for_a_password_without_showing_it() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(Map.of("HTTPS_PROXY", "http://me:s3cret-pass@proxy:3128")));

    assertEquals(List.of("HTTPS_PROXY (gitlab.httpsProxy) http://****@proxy:3128: a proxy that asks for a user name "
        + "and password is not supported here; let the proxy admit the gateway's host instead, or list GitLab in "
        + "NO_PROXY"), e.problems());
  }

  @Test
  void should_ignore_a_proxy_that_gitlab_does_not_go_through() {
    GitLabConfig gitlab = load(Map.of("GITLAB_API_URL", "https://gitlab.corp.example",
        "HTTPS_PROXY", "http://me:s3cret-pass@proxy:3128", "NO_PROXY", ".corp.example",
        "HTTP_PROXY", "socks5://socks.corp:1080")).gitlab();

    assertEquals("", gitlab.proxy());
  }

  @Test
  void should_say_that_an_instances_file_wins_over_the_proxy_and_ca_settings() throws IOException {
    Path file = Files.writeString(dir.resolve("instances.json"),
        "{\"instances\": [{\"name\": \"corp\", \"url\": \"https://gitlab.corp.example\"}]}");

    GatewayConfig cfg = load(Map.of("GITLAB_INSTANCES_FILE", file.toString(), "HTTPS_PROXY", "http://proxy:3128",
        "GITLAB_API_URL", "https://gitlab.example.org"));

    assertEquals("", cfg.gitlab().proxy());
    assertEquals(List.of(
        "GITLAB_API_URL (gitlab.url) from GITLAB_API_URL is not used: the instances file " + file + " defines the "
            + "instances (instances file > GITLAB_INSTANCES > GITLAB_API_URL).",
        "HTTPS_PROXY (gitlab.httpsProxy) from HTTPS_PROXY is not used: the instances file " + file + " defines the "
            + "instances (instances file > GITLAB_INSTANCES > GITLAB_API_URL); set http.proxy for each instance there "
            + "instead."), cfg.warnings());
  }
}
