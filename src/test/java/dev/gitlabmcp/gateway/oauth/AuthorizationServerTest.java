package dev.gitlabmcp.gateway.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The authorization server over raw HTTP, as a client and a browser meet it, with GitLab played by WireMock
 * and the real grants over memory stores.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuthorizationServerTest {

  private final OAuthFixture f = new OAuthFixture(
      fx -> new Grants(fx.state.grants(), fx.keys, fx.clock::millis, Grants.Lifetimes.DEFAULTS));

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void should_describe_itself_with_the_public_url_in_authorization_server_metadata() {
    for (String path : new String[] {"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"}) {
      HttpResponse<Buffer> r = f.get(path);
      assertEquals(200, r.statusCode());
      assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
      JsonObject m = r.bodyAsJsonObject();
      assertEquals(f.issuer(), m.getString("issuer"));
      assertEquals(f.issuer() + "/oauth/authorize", m.getString("authorization_endpoint"));
      assertEquals(f.issuer() + "/oauth/token", m.getString("token_endpoint"));
      assertEquals(f.issuer() + "/oauth/register", m.getString("registration_endpoint"));
      assertEquals(f.issuer() + "/oauth/revoke", m.getString("revocation_endpoint"));
      assertEquals(new JsonArray().add("S256"), m.getJsonArray("code_challenge_methods_supported"));
      assertEquals(true, m.getBoolean("authorization_response_iss_parameter_supported"));
      assertEquals(true, m.getBoolean("client_id_metadata_document_supported"));
      assertEquals(new JsonArray().add("api").add("read_api"), m.getJsonArray("scopes_supported"));
    }
  }

  @Test
  void should_refuse_token_requests_beyond_the_per_address_budget_with_retry_after() {
    MultiMap guess = MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code")
        .add("code", "guessed-code").add("client_id", "nobody").add("redirect_uri", OAuthFixture.CLIENT_REDIRECT)
        .add("code_verifier", OAuthFixture.VERIFIER);
    for (int i = 0; i < TokenHandler.PER_ADDRESS_PER_MINUTE; i++) {
      assertEquals(401, f.token(guess).statusCode(), "an unknown client, within the budget");
    }
    HttpResponse<Buffer> refused = f.token(guess);
    assertEquals(429, refused.statusCode());
    assertEquals("too_many_requests", refused.bodyAsJsonObject().getString("error"));
    assertTrue(Long.parseLong(refused.getHeader("Retry-After")) >= 1);
    assertEquals("no-store", refused.getHeader("Cache-Control"));
  }

  @Test
  void should_serve_protected_resource_metadata_at_the_path_suffixed_and_root_urls() {
    for (String path : new String[] {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
      JsonObject prm = f.get(path).bodyAsJsonObject();
      assertEquals(f.resource(), prm.getString("resource"));
      assertEquals(new JsonArray().add(f.issuer()), prm.getJsonArray("authorization_servers"));
    }
    assertEquals(404, f.get("/.well-known/oauth-protected-resource/mcp/nope").statusCode());
  }

  @Test
  void should_register_a_native_client_with_a_loopback_redirect() {
    HttpResponse<Buffer> r = f.postJson("/oauth/register", new JsonObject().put("client_name", "Claude")
        .put("redirect_uris", new JsonArray().add("http://127.0.0.1:33418/callback"))
        .put("token_endpoint_auth_method", "none"));

    assertEquals(201, r.statusCode());
    JsonObject c = r.bodyAsJsonObject();
    assertTrue(c.getString("client_id").startsWith("gmcp-"));
    assertEquals("native", c.getString("application_type"));
    assertEquals("none", c.getString("token_endpoint_auth_method"));
    assertNull(c.getString("client_secret"));
    assertEquals("no-store", r.getHeader("Cache-Control"));
  }

  @Test
  void should_refuse_registrations_with_bad_redirect_uris() {
    for (String bad : new String[] {"http://evil.example.com/cb", "javascript:alert(1)", "https://app.example/cb#frag",
        "/relative"}) {
      HttpResponse<Buffer> r = f.postJson("/oauth/register", new JsonObject()
          .put("redirect_uris", new JsonArray().add(bad)).put("token_endpoint_auth_method", "none"));
      assertEquals(400, r.statusCode(), bad);
      assertEquals("invalid_redirect_uri", r.bodyAsJsonObject().getString("error"), bad);
    }
    HttpResponse<Buffer> web = f.postJson("/oauth/register", new JsonObject().put("application_type", "web")
        .put("redirect_uris", new JsonArray().add("http://127.0.0.1:1234/cb")));
    assertEquals("invalid_redirect_uri", web.bodyAsJsonObject().getString("error"));
    JsonArray many = new JsonArray();
    for (int i = 0; i < 11; i++) {
      many.add("https://app.example/cb" + i);
    }
    assertEquals(400, f.postJson("/oauth/register", new JsonObject().put("redirect_uris", many)).statusCode());
  }

  @Test
  void should_limit_registrations_per_client_address() {
    int created = 0;
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < Registration.PER_ADDRESS_PER_MINUTE + 1; i++) {
      last = f.postJson("/oauth/register", new JsonObject().put("redirect_uris",
          new JsonArray().add("http://127.0.0.1:1/cb")).put("token_endpoint_auth_method", "none"));
      created += last.statusCode() == 201 ? 1 : 0;
    }
    assertEquals(Registration.PER_ADDRESS_PER_MINUTE, created);
    assertEquals(429, last.statusCode());
    assertEquals("too_many_requests", last.bodyAsJsonObject().getString("error"));
  }

  @Test
  void should_show_unknown_clients_and_wrong_redirect_uris_on_a_page_and_never_redirect() {
    HttpResponse<Buffer> unknown = f.get(f.authorizePath("gmcp-nope", ""));
    assertEquals(400, unknown.statusCode());
    assertNull(unknown.getHeader("Location"));
    assertTrue(unknown.bodyAsString().contains("unknown client_id"));

    String client = f.registerClient();
    HttpResponse<Buffer> wrong = f.get(f.authorizePath(client, "").replace(OAuthFixture.enc(OAuthFixture.CLIENT_REDIRECT),
        OAuthFixture.enc("https://attacker.example/cb")));
    assertEquals(400, wrong.statusCode());
    assertNull(wrong.getHeader("Location"));
    assertTrue(wrong.bodyAsString().contains("is not one the client registered"));
  }

  @Test
  void should_redirect_missing_or_plain_pkce_and_a_foreign_resource_back_with_the_error_state_and_iss() {
    String client = f.registerClient();
    String base = f.authorizePath(client, "");
    Map<String, String[]> cases = Map.of(
        "invalid_request", new String[] {base.replaceAll("&code_challenge=[^&]*", ""),
            base.replace("code_challenge_method=S256", "code_challenge_method=plain")},
        "invalid_target", new String[] {base.replace(OAuthFixture.enc(f.resource()),
            OAuthFixture.enc("https://other.example/mcp"))},
        "unsupported_response_type", new String[] {base.replace("response_type=code", "response_type=token")});
    cases.forEach((error, urls) -> {
      for (String url : urls) {
        HttpResponse<Buffer> r = f.get(url);
        assertEquals(302, r.statusCode(), url);
        Map<String, String> q = OAuthFixture.query(r.getHeader("Location"));
        assertTrue(r.getHeader("Location").startsWith(OAuthFixture.CLIENT_REDIRECT), url);
        assertEquals(error, q.get("error"), url);
        assertEquals("client-state-1", q.get("state"));
        assertEquals(f.issuer(), q.get("iss"));
      }
    });
  }

  @Test
  void should_show_a_consent_page_that_cannot_be_framed_and_binds_the_browser() {
    String client = f.registerClient();
    HttpResponse<Buffer> page = f.get(f.authorizePath(client, ""));

    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertEquals("DENY", page.getHeader("X-Frame-Options"));
    assertEquals("no-store", page.getHeader("Cache-Control"));
    String html = page.bodyAsString();
    assertTrue(html.contains("Test Client"));
    assertTrue(html.contains("127.0.0.1:38999"), "names the redirect host");
    assertTrue(html.contains("read and change"), "says what the client can do on GitLab");
    String setCookie = page.cookies().get(0);
    assertTrue(setCookie.startsWith("__Host-gmcp-flow-"), setCookie);
    String lower = setCookie.toLowerCase(java.util.Locale.ROOT);
    assertTrue(lower.contains("httponly") && lower.contains("secure") && lower.contains("samesite=lax")
        && lower.contains("path=/"), setCookie);
    assertFalse(f.transientWrites.contains("oauth:tx:"), "no transaction before the approval");
    assertEquals(0, f.gitlab.server().findAll(getRequestedFor(urlPathEqualTo("/oauth/authorize"))).size());
  }

  @Test
  void should_sign_in_through_gitlab_and_issue_tokens_for_the_code() {
    String client = f.registerClient();
    HttpResponse<Buffer> page = f.get(f.authorizePath(client, ""));
    HttpResponse<Buffer> toGitLab = f.decide(page, "approve", false);
    assertEquals(303, toGitLab.statusCode());
    assertTrue(f.transientWrites.contains("oauth:tx:"), "the transaction is stored on approval");
    String gitlabAuthorize = toGitLab.getHeader("Location");
    Map<String, String> up = OAuthFixture.query(gitlabAuthorize);
    assertTrue(gitlabAuthorize.startsWith(f.gitlab.url() + "/oauth/authorize?"));
    assertEquals(GitLabOAuthStub.APP_ID, up.get("client_id"));
    assertEquals(f.issuer() + "/oauth/callback", up.get("redirect_uri"));
    assertEquals("api", up.get("scope"));
    assertEquals("S256", up.get("code_challenge_method"));

    HttpResponse<Buffer> back = f.followToClient(toGitLab);
    assertEquals(302, back.statusCode());
    Map<String, String> q = OAuthFixture.query(back.getHeader("Location"));
    assertEquals("client-state-1", q.get("state"));
    assertEquals(f.issuer(), q.get("iss"));
    assertNotNull(q.get("code"));

    LoggedRequest exchange = f.gitlab.tokenRequests().get(0);
    Map<String, String> sent = OAuthFixture.query("http://x/?" + exchange.getBodyAsString());
    assertEquals(up.get("code_challenge"), Pkce.challengeOf(sent.get("code_verifier")), "the gateway's own PKCE");
    assertEquals(GitLabOAuthStub.APP_SECRET, sent.get("client_secret"));

    HttpResponse<Buffer> tokens = f.token(f.codeExchange(client, q.get("code")));
    assertEquals(200, tokens.statusCode(), tokens.bodyAsString());
    assertEquals("no-store", tokens.getHeader("Cache-Control"));
    JsonObject t = tokens.bodyAsJsonObject();
    assertEquals("Bearer", t.getString("token_type"));
    assertNotNull(t.getString("access_token"));
    assertNotNull(t.getString("refresh_token"));
    assertEquals("api", t.getString("scope"));
    assertFalse(tokens.bodyAsString().contains(GitLabOAuthStub.ACCESS), "never hands out the GitLab token");

    HttpResponse<Buffer> refreshed = f.token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
        .add("refresh_token", t.getString("refresh_token")).add("client_id", client));
    assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
    assertFalse(t.getString("refresh_token").equals(refreshed.bodyAsJsonObject().getString("refresh_token")));
  }

  @Test
  void should_refuse_a_wrong_verifier_and_then_the_spent_code() {
    String client = f.registerClient();
    String code = OAuthFixture.query(f.signIn(client).getHeader("Location")).get("code");

    HttpResponse<Buffer> wrong = f.token(f.codeExchange(client, code).set("code_verifier",
        "wrong-verifier-0123456789-0123456789-0123456789"));
    assertEquals(400, wrong.statusCode());
    assertEquals("invalid_grant", wrong.bodyAsJsonObject().getString("error"));
    assertTrue(wrong.bodyAsJsonObject().getString("error_description").contains("PKCE"));

    HttpResponse<Buffer> again = f.token(f.codeExchange(client, code));
    assertEquals(400, again.statusCode());
    assertEquals("invalid_grant", again.bodyAsJsonObject().getString("error"));
  }

  @Test
  void should_revoke_what_a_code_issued_when_it_is_presented_twice() {
    String client = f.registerClient();
    String code = OAuthFixture.query(f.signIn(client).getHeader("Location")).get("code");
    JsonObject first = f.token(f.codeExchange(client, code)).bodyAsJsonObject();

    HttpResponse<Buffer> again = f.token(f.codeExchange(client, code));
    assertEquals("invalid_grant", again.bodyAsJsonObject().getString("error"));
    assertTrue(again.bodyAsJsonObject().getString("error_description").contains("already used"));

    HttpResponse<Buffer> refresh = f.token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
        .add("refresh_token", first.getString("refresh_token")).add("client_id", client));
    assertEquals("invalid_grant", refresh.bodyAsJsonObject().getString("error"), "the grant is revoked");
  }

  @Test
  void should_refuse_a_code_exchange_with_another_redirect_uri_or_resource() {
    String client = f.registerClient();
    String code = OAuthFixture.query(f.signIn(client).getHeader("Location")).get("code");
    HttpResponse<Buffer> r = f.token(f.codeExchange(client, code).set("redirect_uri", "http://127.0.0.1:1/other"));
    assertEquals("invalid_grant", r.bodyAsJsonObject().getString("error"));

    String code2 = OAuthFixture.query(f.signIn(client).getHeader("Location")).get("code");
    HttpResponse<Buffer> t = f.token(f.codeExchange(client, code2).set("resource", "https://other.example/mcp"));
    assertEquals("invalid_target", t.bodyAsJsonObject().getString("error"));
  }

  @Test
  void should_send_the_client_access_denied_when_the_user_denies() {
    String client = f.registerClient();
    HttpResponse<Buffer> r = f.decide(f.get(f.authorizePath(client, "")), "deny", false);

    assertEquals(302, r.statusCode());
    Map<String, String> q = OAuthFixture.query(r.getHeader("Location"));
    assertEquals("access_denied", q.get("error"));
    assertEquals("client-state-1", q.get("state"));
    assertEquals(f.issuer(), q.get("iss"));
    assertEquals(0, f.gitlab.server().findAll(getRequestedFor(urlPathEqualTo("/oauth/authorize"))).size());
  }

  @Test
  void should_refuse_an_approval_with_a_forged_csrf_token_or_without_the_flow_cookie() {
    String client = f.registerClient();
    HttpResponse<Buffer> page = f.get(f.authorizePath(client, ""));
    String html = page.bodyAsString();

    HttpResponse<Buffer> forged = f.post("/oauth/authorize/decision", MultiMap.caseInsensitiveMultiMap()
        .add("request", OAuthFixture.field(html, "request")).add("csrf", "forged").add("decision", "approve"));
    assertEquals(403, forged.statusCode());
    assertNull(forged.getHeader("Location"));

    f.cookies.clear();
    HttpResponse<Buffer> cookieless = f.decide(page, "approve", false);
    assertEquals(403, cookieless.statusCode());
  }

  @Test
  void should_complete_a_gitlab_sign_in_only_in_the_browser_that_approved_it_and_only_once() {
    String client = f.registerClient();
    HttpResponse<Buffer> toGitLab = f.decide(f.get(f.authorizePath(client, "")), "approve", false);
    String callback = f.get(toGitLab.getHeader("Location")).getHeader("Location");
    Map<String, String> jar = Map.copyOf(f.cookies);

    f.cookies.clear();
    HttpResponse<Buffer> elsewhere = f.get(callback);
    assertEquals(400, elsewhere.statusCode());
    assertTrue(elsewhere.bodyAsString().contains("another browser"));

    f.cookies.putAll(jar);
    HttpResponse<Buffer> replay = f.get(callback);
    assertEquals(400, replay.statusCode(), "the transaction was taken once");
    assertTrue(replay.bodyAsString().contains("expired") || replay.bodyAsString().contains("already"));
  }

  @Test
  void should_tell_the_client_access_denied_when_gitlab_refuses() {
    String client = f.registerClient();
    f.gitlab.denyAuthorize();
    HttpResponse<Buffer> back = f.signIn(client);
    Map<String, String> q = OAuthFixture.query(back.getHeader("Location"));
    assertEquals("access_denied", q.get("error"));
    assertEquals("client-state-1", q.get("state"));
    assertEquals(f.issuer(), q.get("iss"));
  }

  @Test
  void should_tell_the_client_access_denied_when_gitlab_rejects_the_code() {
    String client = f.registerClient();
    f.gitlab.server().resetRequests();
    f.gitlab.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/oauth/authorize"))
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(302)
            .withHeader("Location", "{{request.query.redirect_uri}}?code=stale-code&state={{request.query.state}}")
            .withTransformers("response-template")));
    Map<String, String> q = OAuthFixture.query(f.signIn(client).getHeader("Location"));
    assertEquals("access_denied", q.get("error"));
    assertTrue(q.get("error_description").contains("invalid_grant"), q.get("error_description"));
  }

  @Test
  void should_revoke_a_refresh_token() {
    String client = f.registerClient();
    String code = OAuthFixture.query(f.signIn(client).getHeader("Location")).get("code");
    JsonObject t = f.token(f.codeExchange(client, code)).bodyAsJsonObject();

    HttpResponse<Buffer> r = OAuthFixture.await(f.web.postAbs(f.issuer() + "/oauth/revoke").sendForm(
        MultiMap.caseInsensitiveMultiMap().add("token", t.getString("refresh_token")).add("client_id", client)));
    assertEquals(200, r.statusCode());

    HttpResponse<Buffer> refresh = f.token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
        .add("refresh_token", t.getString("refresh_token")).add("client_id", client));
    assertEquals("invalid_grant", refresh.bodyAsJsonObject().getString("error"));
  }

  @Test
  void should_authenticate_confidential_clients_by_their_secret() {
    JsonObject reg = f.postJson("/oauth/register", new JsonObject().put("redirect_uris",
        new JsonArray().add(OAuthFixture.CLIENT_REDIRECT)).put("token_endpoint_auth_method", "client_secret_basic"))
        .bodyAsJsonObject();
    String id = reg.getString("client_id");
    String code = OAuthFixture.query(f.signIn(id).getHeader("Location")).get("code");

    HttpResponse<Buffer> wrong = OAuthFixture.await(f.web.postAbs(f.issuer() + "/oauth/token")
        .basicAuthentication(id, "wrong").sendForm(f.codeExchange(id, code)));
    assertEquals(401, wrong.statusCode());
    assertEquals("invalid_client", wrong.bodyAsJsonObject().getString("error"));

    String code2 = OAuthFixture.query(f.signIn(id).getHeader("Location")).get("code");
    HttpResponse<Buffer> right = OAuthFixture.await(f.web.postAbs(f.issuer() + "/oauth/token")
        .basicAuthentication(id, reg.getString("client_secret")).sendForm(f.codeExchange(id, code2)));
    assertEquals(200, right.statusCode(), right.bodyAsString());
  }

  @Test
  void should_skip_the_consent_page_for_a_remembered_approval() {
    String client = f.registerClient();
    HttpResponse<Buffer> first = f.followToClient(f.decide(f.get(f.authorizePath(client, "")), "approve", true));
    assertNotNull(OAuthFixture.query(first.getHeader("Location")).get("code"));

    HttpResponse<Buffer> second = f.get(f.authorizePath(client, ""));
    assertEquals(303, second.statusCode(), "straight to GitLab");
    assertTrue(second.getHeader("Location").startsWith(f.gitlab.url() + "/oauth/authorize"));
    assertNotNull(OAuthFixture.query(f.followToClient(second).getHeader("Location")).get("code"));
  }

  @Test
  void should_refuse_a_client_metadata_document_on_a_private_address() {
    HttpResponse<Buffer> r = f.get(f.authorizePath("https://127.0.0.1:9/client.json", ""));
    assertEquals(400, r.statusCode());
    assertNull(r.getHeader("Location"));
    assertTrue(r.bodyAsString().contains("non-public address"), r.bodyAsString());
  }
}
