package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.GatewayConfig.Mode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server-side GitLab token is never served to the public: not on a public address, and not behind a public
 * reverse proxy in front of a loopback listener either.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PublicReachTest {

  private static final String GITLAB_TOKEN = "glpat-server-side-0123456789";

  private static Map<String, String> withToken(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("HOST", "127.0.0.1", "GITLAB_PERSONAL_ACCESS_TOKEN", GITLAB_TOKEN));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static ConfigLoader loader(Map<String, String> env) {
    return ConfigLoader.withoutDefaultFile(Map.of(), env);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "MCP_SERVER_URL|https://mcp.example.com|MCP_SERVER_URL is https://mcp.example.com",
      "MCP_ALLOWED_HOSTS|localhost:3002,mcp.example.com|MCP_ALLOWED_HOSTS has mcp.example.com",
      "TRUST_PROXY|true|TRUST_PROXY is true",
      "MCP_TRUST_PROXY|true|TRUST_PROXY is true",
      "HOST|0.0.0.0|HOST is 0.0.0.0"})
  void should_refuse_a_server_side_token_without_MCP_AUTH_TOKEN_when_reachable_beyond_loopback(String name,
                                                                                             String value,
                                                                                             String reason) {
    ConfigException e = assertThrows(ConfigException.class, () -> loader(withToken(name, value)).load(Mode.HTTP));

    assertEquals(1, e.problems().size(), e.getMessage());
    String problem = e.problems().get(0);
    assertTrue(problem.contains("reachable beyond this machine (" + reason + ")"), problem);
    assertTrue(problem.contains("Set MCP_AUTH_TOKEN"), problem);
    assertTrue(problem.contains("REMOTE_AUTHORIZATION=true"), problem);
    assertFalse(problem.contains(GITLAB_TOKEN), problem);
  }

  @Test
  void should_name_every_reason_at_once() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader(withToken("MCP_SERVER_URL",
        "https://mcp.example.com", "TRUST_PROXY", "true")).load(Mode.HTTP));

    assertTrue(e.problems().get(0).contains("(MCP_SERVER_URL is https://mcp.example.com; TRUST_PROXY is true)"),
        e.problems().get(0));
  }

  @Test
  void should_start_on_plain_loopback_without_a_public_url() {
    GatewayConfig cfg = loader(withToken()).load(Mode.HTTP).config();

    assertTrue(cfg.publicReach().isEmpty(), cfg.publicReach().toString());
  }

  @Test
  void should_start_with_a_loopback_public_url_and_loopback_allowed_hosts() {
    GatewayConfig cfg = loader(withToken("MCP_SERVER_URL", "http://localhost:3002", "MCP_ALLOWED_HOSTS",
        "127.0.0.1:3002,[::1]:3002,localhost")).load(Mode.HTTP).config();

    assertTrue(cfg.publicReach().isEmpty(), cfg.publicReach().toString());
  }

  @Test
  void should_start_behind_a_public_proxy_with_MCP_AUTH_TOKEN() {
    GatewayConfig cfg = loader(withToken("MCP_SERVER_URL", "https://mcp.example.com", "TRUST_PROXY", "true",
        "MCP_AUTH_TOKEN", "mcp-client-token-0123456789")).load(Mode.HTTP).config();

    assertTrue(cfg.mcpAuthToken().isSet());
  }

  @Test
  void should_start_behind_a_public_proxy_when_each_caller_brings_its_own_token() {
    Map<String, String> env = withToken("MCP_SERVER_URL", "https://mcp.example.com", "REMOTE_AUTHORIZATION", "true");
    env.remove("GITLAB_PERSONAL_ACCESS_TOKEN");

    assertTrue(loader(env).load(Mode.HTTP).config().remoteAuthorization());
  }

  @Test
  void should_start_behind_a_public_proxy_without_a_server_side_token() {
    Map<String, String> env = withToken("MCP_SERVER_URL", "https://mcp.example.com", "TRUST_PROXY", "true");
    env.remove("GITLAB_PERSONAL_ACCESS_TOKEN");

    assertFalse(loader(env).load(Mode.HTTP).config().gitlab().token().isSet());
  }

  @Test
  void should_not_ask_for_MCP_AUTH_TOKEN_over_stdio() {
    GatewayConfig cfg = loader(withToken("MCP_SERVER_URL", "https://mcp.example.com")).load(Mode.STDIO).config();

    assertTrue(cfg.gitlab().token().isSet());
  }
}
