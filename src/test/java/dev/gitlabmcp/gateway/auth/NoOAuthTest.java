package dev.gitlabmcp.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Without OAuth sign-in, a client that reacts to a 401 by probing OAuth discovery and registration is
 * told the real way in: its GitLab token in a header (remote authorization), or MCP_AUTH_TOKEN.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class NoOAuthTest {

  @Test
  void should_tell_a_client_probing_oauth_to_send_its_gitlab_token() {
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9", Map.of("auth.remoteAuthorization", "true"))) {
      HttpResponse<String> unauthorized = new RawMcp(gw.mcpUrl()).post(RawMcp.postHeaders(),
          RawMcp.initializeBody("2025-11-25"));
      assertEquals(401, unauthorized.statusCode());
      String challenge = unauthorized.headers().firstValue("WWW-Authenticate").orElse("");
      assertTrue(challenge.startsWith("Bearer realm=\"gitlab-mcp-gateway\""), challenge);
      assertTrue(challenge.contains("error_description=\"Missing Authorization or Private-Token header\""), challenge);

      for (String path : new String[] {"/.well-known/oauth-protected-resource/mcp",
          "/.well-known/oauth-protected-resource", "/.well-known/oauth-authorization-server"}) {
        HttpResponse<String> r = new RawMcp(gw.baseUrl() + path).send("GET", Map.of(), null);
        assertEquals(404, r.statusCode(), path);
        assertTrue(new JsonObject(r.body()).getString("error_description").contains("GitLab personal access token"),
            path + ": " + r.body());
      }
      HttpResponse<String> register = new RawMcp(gw.baseUrl() + "/register").send("POST",
          Map.of("Content-Type", "application/json"), "{\"redirect_uris\":[\"http://localhost:3000/cb\"]}");
      assertEquals(400, register.statusCode());
      JsonObject error = new JsonObject(register.body());
      assertEquals("invalid_client_metadata", error.getString("error"));
      assertTrue(error.getString("error_description").contains("Authorization header"), register.body());
    }
  }

  @Test
  void should_name_mcp_auth_token_when_the_gateway_uses_one() {
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9", Map.of("auth.mcpToken",
        "mcp-shared-secret-0123456789"))) {
      HttpResponse<String> r = new RawMcp(gw.baseUrl() + "/.well-known/oauth-authorization-server")
          .send("GET", Map.of(), null);
      assertEquals(404, r.statusCode());
      assertTrue(new JsonObject(r.body()).getString("error_description").contains("MCP_AUTH_TOKEN"), r.body());
    }
  }
}
