package dev.gitlabmcp.gateway.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * A running gateway with sign in with GitLab: a client signs in through the real endpoints (registration,
 * authorize, consent, GitLab, callback, token), then calls tools with the gateway's token while GitLab's
 * access token is about to expire. GitLab is WireMock with a refresh that invalidates the previous refresh
 * token, as GitLab does.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SignedInGatewayTest {

  static final String APP_ID = "gl-app-1";
  static final String APP_SECRET = "gloas-secret-0123456789";
  static final String CLIENT_REDIRECT = "http://127.0.0.1:38999/callback";
  static final String VERIFIER = "verifier-0123456789-0123456789-0123456789-abcdef";
  static final String INVALID_GRANT = "{\"error\":\"invalid_grant\",\"error_description\":\"The provided authorization "
      + "grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or "
      + "was issued to another client.\"}";

  WireMockServer gitlab;
  TestGateway gateway;
  String issuer;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  final Map<String, String> cookies = new LinkedHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .templatingEnabled(true).globalTemplating(false));
    gitlab.start();
    stubGitLab();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    issuer = "http://127.0.0.1:" + port;
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.port", Integer.toString(port));
    settings.put("server.publicUrl", issuer);
    settings.put("gitlab.token", "");
    settings.put("oauth.enabled", "true");
    settings.put("oauth.appId", APP_ID);
    gateway = TestGateway.start(gitlab.baseUrl(), settings, Map.of("GITLAB_OAUTH_CLIENT_SECRET", APP_SECRET));
  }

  @AfterEach
  void tearDown() {
    gateway.close();
    gitlab.stop();
  }

  /** GitLab: sign-in with a token that expires in a minute; each refresh token works once; one project. */
  void stubGitLab() {
    gitlab.stubFor(get(urlPathEqualTo("/oauth/authorize")).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "{{request.query.redirect_uri}}?code=gl-code&state={{request.query.state}}")
        .withTransformers("response-template")));
    gitlab.stubFor(post(urlEqualTo("/oauth/token")).atPriority(10).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(INVALID_GRANT)));
    gitlab.stubFor(post(urlEqualTo("/oauth/token")).atPriority(1)
        .withRequestBody(containing("grant_type=authorization_code")).withRequestBody(containing("code=gl-code"))
        .willReturn(tokens(0, 60)));
    for (int i = 0; i < 3; i++) {
      gitlab.stubFor(post(urlEqualTo("/oauth/token")).atPriority(2).inScenario("rotation")
          .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "r" + i)
          .withRequestBody(containing("grant_type=refresh_token"))
          .withRequestBody(containing("refresh_token=glrt-" + i + "&"))
          .willReturn(tokens(i + 1, 7200)).willSetStateTo("r" + (i + 1)));
    }
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).withHeader("Authorization", equalTo("Bearer glat-0"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":42,\"username\":\"alice\",\"name\":\"Alice\",\"state\":\"active\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/7")).atPriority(10).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"401 Unauthorized\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/7")).atPriority(1)
        .withHeader("Authorization", equalTo("Bearer glat-1"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":7,\"name\":\"demo\",\"path_with_namespace\":\"acme/demo\"}")));
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder tokens(int n, int expiresIn) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody("{\"access_token\":\"glat-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
            + ",\"refresh_token\":\"glrt-" + n + "\",\"scope\":\"api\",\"created_at\":1750000000}");
  }

  int refreshesAtGitLab() {
    return gitlab.countRequestsMatching(postRequestedFor(urlEqualTo("/oauth/token"))
        .withRequestBody(containing("grant_type=refresh_token")).build()).getCount();
  }

  // ---- a minimal browser and OAuth client --------------------------------------------------------------------

  HttpResponse<String> browse(String method, String url, String form) throws Exception {
    String abs = url.startsWith("http") ? url : issuer + url;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(abs)).timeout(Duration.ofSeconds(20));
    if (!cookies.isEmpty() && abs.startsWith(issuer)) {
      b.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .toList()));
    }
    if (form != null) {
      b.header("Content-Type", form.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded");
    }
    b.method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    for (String set : r.headers().allValues("Set-Cookie")) {
      String pair = set.split(";", 2)[0];
      int eq = pair.indexOf('=');
      cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return r;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String field(String html, String name) {
    Matcher m = Pattern.compile("name=\"?" + name + "\"? value=\"([^\"]*)\"").matcher(html);
    assertTrue(m.find(), () -> "no field " + name + " in the consent page");
    return m.group(1).replace("&quot;", "\"").replace("&amp;", "&");
  }

  /** Registration, authorize, consent, GitLab, callback and code exchange: the gateway's access token. */
  String signIn(String scope) throws Exception {
    HttpResponse<String> reg = browse("POST", "/oauth/register", new JsonObject().put("client_name", "Test Client")
        .put("redirect_uris", new io.vertx.core.json.JsonArray().add(CLIENT_REDIRECT))
        .put("token_endpoint_auth_method", "none").encode());
    assertEquals(201, reg.statusCode(), reg.body());
    String clientId = new JsonObject(reg.body()).getString("client_id");
    String resource = issuer + "/mcp";
    HttpResponse<String> page = browse("GET", "/oauth/authorize?response_type=code&client_id=" + enc(clientId)
        + "&redirect_uri=" + enc(CLIENT_REDIRECT) + "&code_challenge=" + Pkce.challengeOf(VERIFIER)
        + "&code_challenge_method=S256&state=s1&resource=" + enc(resource) + "&scope=" + enc(scope), null);
    assertEquals(200, page.statusCode(), page.body());
    HttpResponse<String> toGitLab = browse("POST", "/oauth/authorize/decision", "request="
        + enc(field(page.body(), "request")) + "&csrf=" + enc(field(page.body(), "csrf")) + "&decision=approve");
    HttpResponse<String> atGitLab = browse("GET", toGitLab.headers().firstValue("Location").orElseThrow(), null);
    HttpResponse<String> toClient = browse("GET", atGitLab.headers().firstValue("Location").orElseThrow(), null);
    String location = toClient.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
        "no redirect to the client: " + toClient.statusCode() + " " + toClient.body()));
    String code = null;
    for (String pair : URI.create(location).getRawQuery().split("&")) {
      if (pair.startsWith("code=")) {
        code = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
      }
    }
    HttpResponse<String> token = browse("POST", "/oauth/token", "grant_type=authorization_code&code=" + enc(code)
        + "&client_id=" + enc(clientId) + "&redirect_uri=" + enc(CLIENT_REDIRECT) + "&code_verifier=" + VERIFIER
        + "&resource=" + enc(resource));
    assertEquals(200, token.statusCode(), token.body());
    return new JsonObject(token.body()).getString("access_token");
  }

  Map<String, String> headers(String token, String session) {
    Map<String, String> h = session == null ? RawMcp.postHeaders() : RawMcp.postHeaders(session);
    h.put("Authorization", "Bearer " + token);
    return h;
  }

  String session(RawMcp mcp, String token) {
    HttpResponse<String> init = mcp.post(headers(token, null), RawMcp.initializeBody("2025-11-25"));
    assertEquals(200, init.statusCode(), init.body());
    return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  static String call(String tool, JsonObject args, int id) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", args)).encode();
  }

  // ---- the tests ---------------------------------------------------------------------------------------------

  @Test
  void should_refresh_the_expiring_gitlab_token_once_for_fifty_concurrent_tool_calls() throws Exception {
    String token = signIn("api");
    assertFalse(token.contains("glat"), "the gateway's token is its own, not GitLab's");
    RawMcp mcp = new RawMcp(gateway.mcpUrl());
    String session = session(mcp, token);
    HttpClient calls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.mcpUrl())).timeout(Duration.ofSeconds(30));
      headers(token, session).forEach(b::header);
      all.add(calls.sendAsync(b.POST(HttpRequest.BodyPublishers.ofString(call("get_project",
          new JsonObject().put("project_id", "7"), 100 + i))).build(), HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    for (CompletableFuture<HttpResponse<String>> f : all) {
      HttpResponse<String> r = f.get();
      assertEquals(200, r.statusCode(), r.body());
      JsonObject msg = RawMcp.lastMessage(r);
      assertFalse(RawMcp.isError(msg), msg::encode);
      assertTrue(RawMcp.text(msg).contains("acme/demo"), msg::encode);
      ok++;
    }
    assertEquals(50, ok);
    assertEquals(1, refreshesAtGitLab());
  }

  @Test
  void should_answer_a_write_tool_of_a_read_only_sign_in_with_403_insufficient_scope() throws Exception {
    String token = signIn("read_api");
    RawMcp mcp = new RawMcp(gateway.mcpUrl());
    String session = session(mcp, token);
    HttpResponse<String> r = mcp.post(headers(token, session), call("create_issue",
        new JsonObject().put("project_id", "7").put("title", "x"), 2));
    assertEquals(403, r.statusCode(), r.body());
    String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertTrue(challenge.startsWith("Bearer error=\"insufficient_scope\", scope=\"api\""), challenge);
    assertTrue(challenge.contains("resource_metadata=\"" + issuer + "/.well-known/oauth-protected-resource/mcp\""),
        challenge);
    assertTrue(new JsonObject(r.body()).getString("message").contains("read_api"), r.body());
    assertEquals(0, gitlab.countRequestsMatching(postRequestedFor(urlPathEqualTo("/api/v4/projects/7/issues"))
        .build()).getCount());
  }

  @Test
  void should_make_the_client_sign_in_again_when_gitlab_refuses_the_refresh() throws Exception {
    String token = signIn("api");
    RawMcp mcp = new RawMcp(gateway.mcpUrl());
    String session = session(mcp, token);
    // The user revoked the application in GitLab: every refresh is invalid_grant.
    gitlab.stubFor(post(urlEqualTo("/oauth/token")).atPriority(0).withRequestBody(containing("grant_type=refresh_token"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(INVALID_GRANT)));
    HttpResponse<String> r = mcp.post(headers(token, session), call("get_project",
        new JsonObject().put("project_id", "7"), 2));
    assertEquals(401, r.statusCode(), r.body());
    String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertTrue(challenge.contains("error=\"invalid_token\""), challenge);
    assertTrue(challenge.contains("resource_metadata="), challenge);
    assertFalse(r.body().contains("glrt") || r.body().contains("glat"), r.body());
    // the grant is gone: the next request is refused before any tool runs
    HttpResponse<String> again = mcp.post(headers(token, session), call("get_project",
        new JsonObject().put("project_id", "7"), 3));
    assertEquals(401, again.statusCode(), again.body());
    assertEquals(1, refreshesAtGitLab());
  }
}
