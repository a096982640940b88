package dev.gitlabmcp.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** HEALTH_DETAIL_TOKEN as an operator sets it: its own value, else MCP_AUTH_TOKEN, else none. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DetailTokenSettingTest {

  private static GatewayConfig load(Map<String, String> env) {
    return ConfigLoader.withoutDefaultFile(Map.of(), env).load(GatewayConfig.Mode.HTTP).config();
  }

  @Test
  void should_take_HEALTH_DETAIL_TOKEN_over_MCP_AUTH_TOKEN() {
    GatewayConfig cfg = load(Map.of("HEALTH_DETAIL_TOKEN", "detail-token-0123456789", "MCP_AUTH_TOKEN",
        "mcp-token-0123456789abc"));

    assertEquals("detail-token-0123456789", cfg.detailToken().reveal());
  }

  @Test
  void should_fall_back_to_MCP_AUTH_TOKEN_and_else_have_none() {
    assertEquals("mcp-token-0123456789abc", load(Map.of("MCP_AUTH_TOKEN", "mcp-token-0123456789abc")).detailToken()
        .reveal());
    assertFalse(load(Map.of()).detailToken().isSet());
  }

  @Test
  void should_refuse_a_short_detail_token() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("HEALTH_DETAIL_TOKEN", "short")));

    assertTrue(e.problems().stream().anyMatch(p -> p.contains("HEALTH_DETAIL_TOKEN") && p.contains("16 characters")),
        e.problems().toString());
    assertFalse(e.problems().toString().contains("short\""), "the value is not echoed");
  }
}
