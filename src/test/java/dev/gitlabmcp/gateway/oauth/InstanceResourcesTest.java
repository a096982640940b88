package dev.gitlabmcp.gateway.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Several GitLab instances: the resource names the instance, and each instance signs in with its own application. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstanceResourcesTest {

  private final OAuthFixture f = new OAuthFixture(Map.of("gitlab.instances", "__INSTANCES__"),
      fx -> new Grants(fx.state.grants(), fx.keys, fx.clock::millis, Grants.Lifetimes.DEFAULTS),
      new PublicAddresses(), new HttpClientOptions());

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void should_sign_in_to_the_instance_the_resource_names_with_that_instances_application() {
    String client = f.registerClient();
    String path = f.authorizePath(client, "").replace(OAuthFixture.enc(f.resource()),
        OAuthFixture.enc(f.issuer() + "/mcp/corp"));
    HttpResponse<Buffer> page = f.get(path);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.bodyAsString().contains("Corp GitLab"), "names the instance");

    HttpResponse<Buffer> toGitLab = f.decide(page, "approve", false);
    assertEquals("corp-app", OAuthFixture.query(toGitLab.getHeader("Location")).get("client_id"));
    assertEquals(f.issuer() + "/.well-known/oauth-protected-resource/mcp/corp",
        f.config.oauth().resourceMetadata("corp"));
    assertEquals(f.issuer() + "/mcp/corp",
        f.get("/.well-known/oauth-protected-resource/mcp/corp").bodyAsJsonObject().getString("resource"));
    assertEquals(f.issuer() + "/mcp/main", f.get("/.well-known/oauth-protected-resource/mcp/main").bodyAsJsonObject()
        .getString("resource"), "the default instance's own URL names itself (RFC 9728: what the client uses)");
    assertEquals(f.issuer() + "/mcp", f.get("/.well-known/oauth-protected-resource/mcp").bodyAsJsonObject()
        .getString("resource"));
  }

  @Test
  void should_refuse_a_resource_of_an_instance_without_an_application() {
    String client = f.registerClient();
    HttpResponse<Buffer> r = f.get(f.authorizePath(client, "").replace(OAuthFixture.enc(f.resource()),
        OAuthFixture.enc(f.issuer() + "/mcp/lab")));
    assertEquals(302, r.statusCode());
    Map<String, String> q = OAuthFixture.query(r.getHeader("Location"));
    assertEquals("invalid_target", q.get("error"));
    assertTrue(q.get("error_description").contains("lab"), q.get("error_description"));
  }

  private String corpPath(String client) {
    return f.authorizePath(client, "").replace(OAuthFixture.enc(f.resource()), OAuthFixture.enc(f.issuer() + "/mcp/corp"));
  }

  @Test
  void should_offer_the_instances_with_an_application_and_tick_the_one_the_resource_names() {
    HttpResponse<Buffer> page = f.get(corpPath(f.registerClient()));
    String html = page.bodyAsString();
    assertEquals(List.of("corp", "main"), OAuthFixture.offered(html), "lab has no application; corp first");
    assertEquals(List.of("corp"), OAuthFixture.ticked(html));
    assertTrue(html.contains("Corp GitLab") && html.contains(f.gitlab.url()), html);
  }

  @Test
  void should_walk_each_chosen_instance_with_its_own_application_and_issue_one_code_at_the_end() {
    f.gitlab.server().stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(2)
        .withRequestBody(containing("client_id=corp-app")).withRequestBody(containing("code_verifier="))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"access_token\":\"" + GitLabOAuthStub.ACCESS + "\",\"token_type\":\"Bearer\","
                + "\"expires_in\":7200,\"refresh_token\":\"corp-refresh\",\"scope\":\"api\"}")));
    String client = f.registerClient();
    HttpResponse<Buffer> page = f.get(corpPath(client));
    HttpResponse<Buffer> toCorp = f.decide(page, "approve", false, List.of("main", "corp"));
    Map<String, String> first = OAuthFixture.query(toCorp.getHeader("Location"));
    assertEquals("corp-app", first.get("client_id"), "the resource's instance first");
    HttpResponse<Buffer> toMain = f.get(f.get(toCorp.getHeader("Location")).getHeader("Location"));
    Map<String, String> second = OAuthFixture.query(toMain.getHeader("Location"));
    assertEquals(GitLabOAuthStub.APP_ID, second.get("client_id"), "then main with its own application");
    assertNotEquals(first.get("state"), second.get("state"));
    assertNotEquals(first.get("code_challenge"), second.get("code_challenge"));

    HttpResponse<Buffer> back = f.followToClient(toMain);
    Map<String, String> q = OAuthFixture.query(back.getHeader("Location"));
    assertTrue(q.containsKey("code"), back.getHeader("Location"));
    HttpResponse<Buffer> token = f.token(f.codeExchange(client, q.get("code")).set("resource", f.issuer() + "/mcp/corp"));
    assertEquals(200, token.statusCode(), token.bodyAsString());
    assertEquals(2, f.gitlab.tokenRequests().size());
  }

  @Test
  void should_refuse_an_approval_with_no_instance_an_unknown_one_or_without_the_resources_own() {
    String client = f.registerClient();
    HttpResponse<Buffer> none = f.decide(f.get(corpPath(client)), "approve", false, List.of());
    assertEquals(400, none.statusCode());
    assertTrue(none.bodyAsString().contains("Tick at least one GitLab instance"), none.bodyAsString());

    HttpResponse<Buffer> lab = f.decide(f.get(corpPath(client)), "approve", false, List.of("corp", "lab"));
    assertEquals(400, lab.statusCode());
    assertTrue(lab.bodyAsString().contains("The GitLab instance lab is not (or no longer) offered"),
        lab.bodyAsString());

    HttpResponse<Buffer> forged = f.decide(f.get(corpPath(client)), "approve", false, List.of("<b>x</b>"));
    assertTrue(forged.bodyAsString().contains("&lt;b&gt;x&lt;/b&gt;"), "escaped");

    HttpResponse<Buffer> withoutOwn = f.decide(f.get(corpPath(client)), "approve", false, List.of("main"));
    assertEquals(400, withoutOwn.statusCode());
    assertTrue(withoutOwn.bodyAsString().contains("keep it ticked"), withoutOwn.bodyAsString());
    assertTrue(f.gitlab.tokenRequests().isEmpty());
  }
}
