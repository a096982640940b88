package dev.gitlabmcp.gateway.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.testing.RawMcp;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The whole gateway with sign in with GitLab, over raw HTTP: from the 401 on /mcp through discovery,
 * registration, consent, GitLab and the token endpoint, to a tool call that reaches GitLab as the user.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SignInEndToEndTest {

  static final String PROJECT_API = GitLabOAuthStub.PROJECT_API;

  private final OAuthFixture f = OAuthFixture.gateway(Map.of());

  SignInEndToEndTest() {
    f.gitlab.project();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void should_answer_a_request_without_a_token_with_a_challenge_that_points_at_the_metadata() {
    HttpResponse<String> r = new RawMcp(f.resource()).post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"));

    assertEquals(401, r.statusCode());
    String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertTrue(challenge.startsWith("Bearer "), challenge);
    assertTrue(challenge.contains("resource_metadata=\"" + f.issuer() + "/.well-known/oauth-protected-resource/mcp\""),
        challenge);
    assertTrue(challenge.contains("scope=\"api\""), challenge);
    JsonObject prm = f.get("/.well-known/oauth-protected-resource/mcp").bodyAsJsonObject();
    assertEquals(f.resource(), prm.getString("resource"));
  }

  @Test
  void should_call_a_tool_as_the_user_who_signed_in() {
    String client = f.registerClient();
    String code = OAuthFixture.query(f.signIn(client).getHeader("Location")).get("code");
    JsonObject tokens = f.token(f.codeExchange(client, code)).bodyAsJsonObject();
    String access = tokens.getString("access_token");

    RawMcp mcp = new RawMcp(f.resource());
    Map<String, String> headers = RawMcp.postHeaders();
    headers.put("Authorization", "Bearer " + access);
    HttpResponse<String> init = mcp.post(headers, RawMcp.initializeBody("2025-11-25"));
    assertEquals(200, init.statusCode(), init.body());
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    headers.put("Mcp-Session-Id", session);
    mcp.post(headers, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    HttpResponse<String> call = mcp.post(headers, new JsonObject().put("jsonrpc", "2.0").put("id", 2)
        .put("method", "tools/call").put("params", new JsonObject().put("name", "get_project")
            .put("arguments", new JsonObject().put("project_id", "group/project"))).encode());

    assertEquals(200, call.statusCode(), call.body());
    JsonObject result = RawMcp.lastMessage(call);
    assertTrue(RawMcp.text(result).contains("group/project"), result.encode());
    f.gitlab.server().verify(getRequestedFor(urlPathEqualTo(PROJECT_API))
        .withHeader("Authorization", equalTo("Bearer " + GitLabOAuthStub.ACCESS)));

    HttpResponse<String> forged = mcp.post(Map.of("Content-Type", "application/json", "Accept", RawMcp.ACCEPT_BOTH,
        "Authorization", "Bearer " + access + "x"), RawMcp.initializeBody("2025-11-25"));
    assertEquals(401, forged.statusCode());
    assertTrue(forged.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
  }
}
