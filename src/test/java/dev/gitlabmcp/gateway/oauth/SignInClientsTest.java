package dev.gitlabmcp.gateway.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.testing.NodeHarness;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Real clients against the whole gateway with sign in with GitLab: the official TypeScript SDK's OAuth
 * client (src/test/js/oauth-sdk.mjs) and the consent page in headless Chromium (src/test/js/oauth-consent.mjs).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SignInClientsTest {

  private final OAuthFixture f = OAuthFixture.gateway(Map.of());

  SignInClientsTest() {
    f.gitlab.project();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static JsonObject lastJsonLine(NodeHarness.Result r) {
    String[] lines = r.stdout().strip().split("\n");
    return new JsonObject(lines[lines.length - 1]);
  }

  @Test
  void should_sign_in_with_the_typescript_sdk_call_a_tool_and_refresh_the_token() {
    NodeHarness.Result r = NodeHarness.run("oauth-sdk.mjs", List.of(), Map.of("MCP_URL", f.resource(),
        "ISSUER", f.issuer(), "PROJECT", "group/project"), 180);

    assertTrue(r.ok(), r.toString());
    JsonObject log = lastJsonLine(r);
    assertEquals(List.of("registered", "consent page", "code", "tokens", "connected", "tokens"),
        log.getJsonArray("steps").getList(), log.encode());
    assertFalse(log.getBoolean("firstIsError"), log.encode());
    assertTrue(log.getString("first").contains("group/project"), log.encode());
    assertTrue(log.getString("authorizationUrl").contains("code_challenge_method=S256"));
    assertFalse(log.getBoolean("secondIsError"), log.encode());
    assertTrue(log.getBoolean("refreshed"), "the SDK refreshed after the 401: " + log.encode());
  }

  @Test
  void should_approve_deny_and_refuse_framing_and_forged_csrf_in_a_real_browser() throws Exception {
    Path shot = Path.of("target", "oauth-consent.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    NodeHarness.Result r = NodeHarness.run("oauth-consent.mjs", List.of(), Map.of("ISSUER", f.issuer(),
        "RESOURCE", f.resource(), "CHROMIUM", "/usr/bin/chromium", "SCREENSHOT", shot.toString()), 180);

    assertTrue(r.ok(), r.toString());
    JsonObject out = lastJsonLine(r);
    assertTrue(out.getString("title").startsWith("Authorize Playwright Client"), out.encode());
    assertTrue(out.getJsonArray("cookies").getString(0).startsWith("__Host-gmcp-flow-"), out.encode());
    JsonObject approve = out.getJsonObject("approve");
    assertTrue(approve.getBoolean("code"), out.encode());
    assertEquals("approve-state", approve.getString("state"));
    assertEquals(f.issuer(), approve.getString("iss"));
    JsonObject deny = out.getJsonObject("deny");
    assertEquals("access_denied", deny.getString("error"));
    assertEquals("deny-state", deny.getString("state"));
    assertEquals(f.issuer(), deny.getString("iss"));
    JsonObject framing = out.getJsonObject("framing");
    assertTrue(framing.getBoolean("framedRequested"), "the frame asked for the consent page: " + out.encode());
    assertEquals(1, framing.getInteger("controlButtons"), "the attacker's own frame shows its button: " + out.encode());
    assertEquals(0, framing.getInteger("consentButtons"), "the consent page is not shown in a frame: " + out.encode());
    JsonObject forged = out.getJsonObject("forged");
    assertEquals(403, forged.getInteger("status"), out.encode());
    assertEquals("Approval refused", forged.getString("text"));
    assertTrue(Files.size(shot) > 1000, "a screenshot of the consent page is kept at " + shot);
  }
}
