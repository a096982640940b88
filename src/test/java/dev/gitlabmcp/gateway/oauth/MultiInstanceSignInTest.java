package dev.gitlabmcp.gateway.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gitlabmcp.gateway.testing.NodeHarness;
import dev.gitlabmcp.gateway.testing.RawMcp;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * One sign-in, two GitLab instances on two WireMock servers with different applications: GitLab A is the
 * fixture's stub (its app id, secret and tokens), GitLab B another server with its own app id, secret (from
 * {@code GITLAB_OAUTH_CLIENT_SECRET_B}), code and tokens. Each only honours what it issued.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MultiInstanceSignInTest {

  static final String B_APP = "b-app-id";
  static final String B_SECRET = "gloas-b-secret-9876543210";
  static final String B_CODE = "bee-code-1";
  static final String B_ACCESS = "bee-access-token-1";

  private final WireMockServer b = startB();
  private final OAuthFixture f = OAuthFixture.gateway(Map.of("gitlab.token", "", "gitlab.instances",
      "__TWO__", "gitlab.b.url", b.baseUrl()), Map.of("GITLAB_OAUTH_CLIENT_SECRET_B", B_SECRET));

  @AfterEach
  void stop() {
    f.close();
    b.stop();
  }

  private static WireMockServer startB() {
    WireMockServer b = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .templatingEnabled(true).globalTemplating(false));
    b.start();
    b.stubFor(get(urlPathEqualTo("/oauth/authorize")).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "{{request.query.redirect_uri}}?code=" + B_CODE + "&state={{request.query.state}}")
        .withTransformers("response-template")));
    b.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(10).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody(GitLabOAuthStub.INVALID_GRANT)));
    b.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(1)
        .withRequestBody(containing("code=" + B_CODE)).withRequestBody(containing("client_id=" + B_APP))
        .withRequestBody(containing("client_secret=" + B_SECRET)).withRequestBody(containing("code_verifier="))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"access_token\":\"" + B_ACCESS + "\",\"token_type\":\"Bearer\",\"expires_in\":7200,"
                + "\"refresh_token\":\"b-refresh-1\",\"scope\":\"api\"}")));
    b.stubFor(get(urlPathEqualTo("/api/v4/user")).withHeader("Authorization", equalTo("Bearer " + B_ACCESS))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":77,\"username\":\"alice-b\",\"name\":\"Alice\",\"state\":\"active\"}")));
    b.stubFor(get(urlPathEqualTo(GitLabOAuthStub.PROJECT_API)).withHeader("Authorization", equalTo("Bearer " + B_ACCESS))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":9,\"name\":\"project\",\"path_with_namespace\":\"group/project-on-b\"}")));
    return b;
  }

  /** Authorize for /mcp/a with both instances ticked (or those given), approved: GitLab A's redirect. */
  private HttpResponse<Buffer> approve(String client, List<String> ticked) {
    String path = f.authorizePath(client, "").replace(OAuthFixture.enc(f.resource()),
        OAuthFixture.enc(f.issuer() + "/mcp/a"));
    HttpResponse<Buffer> page = f.get(path);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertEquals(List.of("a", "b"), OAuthFixture.offered(page.bodyAsString()));
    assertTrue(page.bodyAsString().contains("(" + b.baseUrl() + ")</span> <span class=ok>up</span>"),
        "the picker shows each instance's health: " + page.bodyAsString());
    return f.decide(page, "approve", false, ticked);
  }

  /** The code of an authorization for /mcp/a (what approve() asks) exchanged, naming the same resource. */
  private String token(String client, String location) {
    return token(client, location, f.issuer() + "/mcp/a");
  }

  private String token(String client, String location, String resource) {
    Map<String, String> q = OAuthFixture.query(location);
    assertTrue(q.containsKey("code"), location);
    MultiMap exchange = f.codeExchange(client, q.get("code")).set("resource", resource);
    HttpResponse<Buffer> t = f.token(exchange);
    assertEquals(200, t.statusCode(), t.bodyAsString());
    return t.bodyAsJsonObject().getString("access_token");
  }

  private JsonObject getProject(String instance, String token) {
    return getProject(f, instance, token);
  }

  private static JsonObject getProject(OAuthFixture f, String instance, String token) {
    RawMcp mcp = new RawMcp(f.issuer() + "/mcp/" + instance);
    Map<String, String> h = RawMcp.postHeaders();
    h.put("Authorization", "Bearer " + token);
    java.net.http.HttpResponse<String> init = mcp.post(h, RawMcp.initializeBody("2025-11-25"));
    if (init.statusCode() != 200) {
      return new JsonObject().put("status", init.statusCode()).put("body", init.body());
    }
    return getProject(f, instance, token, init.headers().firstValue("Mcp-Session-Id").orElseThrow());
  }

  /** get_project in an open session; the HTTP status and body when the gateway refuses the request. */
  private static JsonObject getProject(OAuthFixture f, String instance, String token, String session) {
    return call(f, instance, token, session, "get_project", new JsonObject().put("project_id", "group/project"));
  }

  private static JsonObject call(OAuthFixture f, String instance, String token, String session, String tool,
                                 JsonObject args) {
    RawMcp mcp = new RawMcp(f.issuer() + "/mcp/" + instance);
    Map<String, String> hs = RawMcp.postHeaders(session);
    hs.put("Authorization", "Bearer " + token);
    java.net.http.HttpResponse<String> r = mcp.post(hs, new JsonObject().put("jsonrpc", "2.0").put("id", 2)
        .put("method", "tools/call").put("params", new JsonObject().put("name", tool).put("arguments", args))
        .encode());
    return r.statusCode() == 200 ? RawMcp.lastMessage(r) : new JsonObject().put("status", r.statusCode())
        .put("body", r.body());
  }

  private static List<String> authorizations(List<LoggedRequest> all) {
    return all.stream().map(LoggedRequest::getHeaders).filter(h -> h.getHeader("Authorization").isPresent())
        .map(h -> h.getHeader("Authorization").firstValue()).toList();
  }

  @Test
  void should_connect_both_instances_in_one_sign_in_and_use_each_with_its_own_token_only() {
    f.gitlab.project();
    String client = f.registerClient();
    HttpResponse<Buffer> toA = approve(client, List.of("a", "b"));
    assertEquals(GitLabOAuthStub.APP_ID, OAuthFixture.query(toA.getHeader("Location")).get("client_id"));
    assertTrue(toA.getHeader("Location").startsWith(f.gitlab.url()));
    HttpResponse<Buffer> toB = f.get(f.get(toA.getHeader("Location")).getHeader("Location"));
    assertTrue(toB.getHeader("Location").startsWith(b.baseUrl()), toB.getHeader("Location"));
    assertEquals(B_APP, OAuthFixture.query(toB.getHeader("Location")).get("client_id"));
    String token = token(client, f.followToClient(toB).getHeader("Location"));

    JsonObject onA = getProject("a", token);
    assertFalse(RawMcp.isError(onA), onA::encode);
    assertTrue(RawMcp.text(onA).contains("group/project"), onA::encode);
    JsonObject onB = getProject("b", token);
    assertFalse(RawMcp.isError(onB), onB::encode);
    assertTrue(RawMcp.text(onB).contains("group/project-on-b"), onB::encode);

    List<String> seenByA = authorizations(f.gitlab.server().getAllServeEvents().stream().map(e -> e.getRequest())
        .toList());
    List<String> seenByB = authorizations(b.getAllServeEvents().stream().map(e -> e.getRequest()).toList());
    assertTrue(seenByA.contains("Bearer " + GitLabOAuthStub.ACCESS), seenByA::toString);
    assertTrue(seenByB.contains("Bearer " + B_ACCESS), seenByB::toString);
    assertTrue(seenByA.stream().noneMatch(a -> a.equals("Bearer " + B_ACCESS)), seenByA::toString);
    assertTrue(seenByB.stream().noneMatch(a -> a.equals("Bearer " + GitLabOAuthStub.ACCESS)), seenByB::toString);
    String tokenBodiesAtA = f.gitlab.tokenRequests().stream().map(LoggedRequest::getBodyAsString).toList().toString();
    assertFalse(tokenBodiesAtA.contains(B_SECRET) || tokenBodiesAtA.contains(B_CODE), tokenBodiesAtA);
  }

  @Test
  void should_switch_a_session_on_mcp_between_the_connected_instances_each_with_its_own_token() {
    f.gitlab.project();
    String client = f.registerClient();
    HttpResponse<Buffer> toB = f.get(f.get(approve(client, List.of("a", "b")).getHeader("Location"))
        .getHeader("Location"));
    String token = token(client, f.followToClient(toB).getHeader("Location"));
    RawMcp mcp = new RawMcp(f.issuer() + "/mcp");
    Map<String, String> h = RawMcp.postHeaders();
    h.put("Authorization", "Bearer " + token);
    java.net.http.HttpResponse<String> init = mcp.post(h, RawMcp.initializeBody("2025-11-25"));
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    h = RawMcp.postHeaders(session);
    h.put("Authorization", "Bearer " + token);

    assertTrue(RawMcp.text(unpinned(mcp, h, "get_project", new JsonObject().put("project_id", "group/project")))
        .contains("group/project\""), "/mcp starts on the first chosen instance");
    java.net.http.HttpResponse<String> sw = mcp.post(h, tools("switch_instance", new JsonObject().put("instance", "b")));
    assertTrue(sw.body().contains("notifications/tools/list_changed"), sw.body());
    assertTrue(RawMcp.text(RawMcp.lastMessage(sw)).contains("now works with b"), sw.body());
    int aCalls = f.gitlab.server().getAllServeEvents().size();
    JsonObject onB = unpinned(mcp, h, "get_project", new JsonObject().put("project_id", "group/project"));
    assertTrue(RawMcp.text(onB).contains("group/project-on-b"), onB::encode);
    assertEquals(aCalls, f.gitlab.server().getAllServeEvents().size(), "A hears nothing of a call on b");
    String listed = RawMcp.text(unpinned(mcp, h, "list_instances", new JsonObject()));
    assertTrue(listed.contains("\"name\":\"b\",\"label\"") && listed.indexOf("\"current\":true")
        > listed.indexOf("\"name\":\"b\""), listed);

    JsonObject back = unpinned(mcp, h, "switch_instance", new JsonObject().put("instance", "a"));
    assertTrue(RawMcp.text(back).contains("now works with a"), back::encode);
    assertTrue(RawMcp.text(unpinned(mcp, h, "get_project", new JsonObject().put("project_id", "group/project")))
        .contains("group/project\""));
    List<String> seenByB = authorizations(b.getAllServeEvents().stream().map(e -> e.getRequest()).toList());
    assertTrue(seenByB.stream().noneMatch(x -> x.equals("Bearer " + GitLabOAuthStub.ACCESS)), seenByB::toString);

    String pinned = f.issuer() + "/mcp/a";
    Map<String, String> hp = RawMcp.postHeaders();
    hp.put("Authorization", "Bearer " + token);
    String onA = new RawMcp(pinned).post(hp, RawMcp.initializeBody("2025-11-25")).headers()
        .firstValue("Mcp-Session-Id").orElseThrow();
    JsonObject stays = call(f, "a", token, onA, "switch_instance", new JsonObject().put("instance", "b"));
    assertTrue(RawMcp.isError(stays), stays::encode);
    assertTrue(RawMcp.text(stays).contains("connect the client to /mcp/b with the same token"), stays::encode);
  }

  @Test
  void should_tick_both_instances_in_a_real_browser_and_call_each_with_one_token_from_the_typescript_sdk()
      throws Exception {
    f.gitlab.project();
    java.nio.file.Path shot = java.nio.file.Path.of("target", "oauth-two-instances.png").toAbsolutePath();
    java.nio.file.Files.deleteIfExists(shot);
    NodeHarness.Result r = NodeHarness.run("oauth-two-instances.mjs", List.of(), Map.of("ISSUER", f.issuer(),
        "CHROMIUM", "/usr/bin/chromium", "SCREENSHOT", shot.toString(), "PROJECT", "group/project"), 240);

    assertTrue(r.ok(), r.toString());
    String[] lines = r.stdout().strip().split("\n");
    JsonObject out = new JsonObject(lines[lines.length - 1]);
    assertEquals(List.of(Map.of("name", "a", "checked", true), Map.of("name", "b", "checked", false)),
        out.getJsonArray("offered").stream().map(o -> ((JsonObject) o).getMap()).toList(), out::encode);
    List<String> visited = out.getJsonArray("visited").getList();
    int atA = visited.indexOf(f.gitlab.url() + "/oauth/authorize");
    int atB = visited.indexOf(b.baseUrl() + "/oauth/authorize");
    assertTrue(atA >= 0 && atB > atA, "the browser passed A's then B's authorization: " + visited);
    assertEquals("two-state", out.getString("state"));
    assertEquals(f.issuer(), out.getString("iss"));
    assertTrue(out.getString("a").contains("group/project\""), out::encode);
    assertTrue(out.getString("b").contains("group/project-on-b"), out::encode);
    assertTrue(out.getString("mcpBefore").contains("group/project\""), out::encode);
    assertTrue(out.getString("switched").startsWith("This session now works with b"), out::encode);
    assertTrue(out.getString("mcpAfter").contains("group/project-on-b"), out::encode);
    assertEquals(1, out.getInteger("listChanged"), out::encode);
    assertTrue(java.nio.file.Files.size(shot) > 1000, "a screenshot of the picker is kept at " + shot);

    List<String> seenByA = authorizations(f.gitlab.server().getAllServeEvents().stream().map(e -> e.getRequest())
        .toList());
    List<String> seenByB = authorizations(b.getAllServeEvents().stream().map(e -> e.getRequest()).toList());
    assertTrue(seenByA.contains("Bearer " + GitLabOAuthStub.ACCESS) && seenByB.contains("Bearer " + B_ACCESS));
    assertTrue(seenByA.stream().noneMatch(x -> x.equals("Bearer " + B_ACCESS)), seenByA::toString);
    assertTrue(seenByB.stream().noneMatch(x -> x.equals("Bearer " + GitLabOAuthStub.ACCESS)), seenByB::toString);
  }

  private static String tools(String tool, JsonObject args) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", args)).encode();
  }

  private static JsonObject unpinned(RawMcp mcp, Map<String, String> h, String tool, JsonObject args) {
    java.net.http.HttpResponse<String> r = mcp.post(h, tools(tool, args));
    assertEquals(200, r.statusCode(), r.body());
    return RawMcp.lastMessage(r);
  }

  @Test
  void should_connect_both_again_without_a_consent_page_when_the_user_remembered_the_decision() {
    String client = f.registerClient();
    HttpResponse<Buffer> page = f.get(f.authorizePath(client, ""));
    HttpResponse<Buffer> toA = f.decide(page, "approve", true, List.of("a", "b"));
    HttpResponse<Buffer> toB = f.get(f.get(toA.getHeader("Location")).getHeader("Location"));
    assertTrue(f.followToClient(toB).getHeader("Location").contains("code="));

    HttpResponse<Buffer> again = f.get(f.authorizePath(client, ""));
    assertEquals(303, again.statusCode(), "no consent page: " + again.bodyAsString());
    assertTrue(again.getHeader("Location").startsWith(f.gitlab.url()), again.getHeader("Location"));
    HttpResponse<Buffer> againB = f.get(f.get(again.getHeader("Location")).getHeader("Location"));
    assertTrue(againB.getHeader("Location").startsWith(b.baseUrl()), "b is connected again too");
    String token = token(client, f.followToClient(againB).getHeader("Location"), f.resource());
    assertFalse(token.isEmpty());
  }

  @Test
  void should_offer_to_continue_with_the_first_when_the_second_denies_and_refuse_the_second_after() {
    f.gitlab.project();
    b.stubFor(get(urlPathEqualTo("/oauth/authorize")).atPriority(1).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "{{request.query.redirect_uri}}?error=access_denied&state={{request.query.state}}")
        .withTransformers("response-template")));
    String client = f.registerClient();
    HttpResponse<Buffer> toB = f.get(f.get(approve(client, List.of("a", "b")).getHeader("Location"))
        .getHeader("Location"));
    HttpResponse<Buffer> failed = f.get(f.get(toB.getHeader("Location")).getHeader("Location"));
    assertEquals(200, failed.statusCode(), failed.bodyAsString());
    String html = failed.bodyAsString();
    assertTrue(html.contains("GitLab instance <strong>b</strong> was not connected"), html);
    assertTrue(html.contains("Connected: <strong>a</strong>"), html);

    HttpResponse<Buffer> forged = f.post("/oauth/authorize/partial", MultiMap.caseInsensitiveMultiMap()
        .add("partial", OAuthFixture.field(html, "partial")).add("csrf", "forged").add("decision", "continue"));
    assertEquals(403, forged.statusCode());

    HttpResponse<Buffer> again = f.get(f.get(f.get(approve(client, List.of("a", "b")).getHeader("Location"))
        .getHeader("Location")).getHeader("Location"));
    HttpResponse<Buffer> back = answer(f.get(again.getHeader("Location")), "continue");
    String token = token(client, back.getHeader("Location"));
    JsonObject onA = getProject("a", token);
    assertFalse(RawMcp.isError(onA), onA::encode);
    JsonObject onB = getProject("b", token);
    assertEquals(403, onB.getInteger("status"), onB::encode);
    assertTrue(onB.getString("body").contains("Sign in again through /mcp/b to connect it"), onB::encode);
    Map<String, String> hb = RawMcp.postHeaders();
    hb.put("Authorization", "Bearer " + token);
    java.net.http.HttpResponse<String> stepUp = new RawMcp(f.issuer() + "/mcp/b").post(hb,
        RawMcp.initializeBody("2025-11-25"));
    assertEquals(403, stepUp.statusCode());
    String challenge = stepUp.headers().firstValue("WWW-Authenticate").orElse("");
    assertTrue(challenge.startsWith("Bearer error=\"insufficient_scope\", scope=\"api\", resource_metadata=\""
        + f.issuer() + "/.well-known/oauth-protected-resource/mcp/b\""), "a client can authorize again: " + challenge);

    Map<String, String> h = RawMcp.postHeaders();
    h.put("Authorization", "Bearer " + token);
    String session = new RawMcp(f.issuer() + "/mcp/a").post(h, RawMcp.initializeBody("2025-11-25")).headers()
        .firstValue("Mcp-Session-Id").orElseThrow();
    JsonObject list = call(f, "a", token, session, "list_instances", new JsonObject());
    JsonObject listed = new JsonObject(RawMcp.text(list).substring(0, RawMcp.text(list).indexOf('\n')));
    assertEquals(true, listed.getJsonArray("instances").getJsonObject(0).getBoolean("connected"), list::encode);
    assertEquals(false, listed.getJsonArray("instances").getJsonObject(1).getBoolean("connected"), list::encode);
    JsonObject switched = call(f, "a", token, session, "switch_instance", new JsonObject().put("instance", "b"));
    assertTrue(RawMcp.isError(switched), switched::encode);
    assertTrue(RawMcp.text(switched).contains("This sign-in did not connect b") && RawMcp.text(switched).contains(
        "Sign in again through /mcp/b to connect it"), switched::encode);
  }

  @Test
  void should_send_the_client_access_denied_and_keep_nothing_when_the_user_cancels() {
    b.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(1).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody(GitLabOAuthStub.INVALID_GRANT)));
    String client = f.registerClient();
    HttpResponse<Buffer> toB = f.get(f.get(approve(client, List.of("a", "b")).getHeader("Location"))
        .getHeader("Location"));
    HttpResponse<Buffer> failed = f.get(f.get(toB.getHeader("Location")).getHeader("Location"));
    assertEquals(200, failed.statusCode(), failed.bodyAsString());
    HttpResponse<Buffer> back = answer(failed, "cancel");
    Map<String, String> q = OAuthFixture.query(back.getHeader("Location"));
    assertEquals("access_denied", q.get("error"));
    assertEquals("client-state-1", q.get("state"));
    assertNull(q.get("code"));
    HttpResponse<Buffer> replay = answer(failed, "continue");
    assertEquals(400, replay.statusCode(), "the partial sign-in is gone");
  }

  private HttpResponse<Buffer> answer(HttpResponse<Buffer> page, String decision) {
    String html = page.bodyAsString();
    return f.post("/oauth/authorize/partial", MultiMap.caseInsensitiveMultiMap()
        .add("partial", OAuthFixture.field(html, "partial")).add("csrf", OAuthFixture.field(html, "csrf"))
        .add("decision", decision));
  }

  @Test
  void should_keep_bindings_when_reordered_drop_an_instance_whose_app_changed_or_that_was_removed_and_offer_an_added_one() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("instances", ".json");
    try (OAuthFixture live = OAuthFixture.gateway(Map.of("gitlab.token", "", "gitlab.instancesFile", file.toString(),
        "gitlab.instancesReloadSeconds", "1"), Map.of("GITLAB_OAUTH_CLIENT_SECRET_B",
        B_SECRET), fx -> write(file, fx.twoInstances(b.baseUrl(), "")))) {
      live.gitlab.project();
      String client = live.registerClient();
      HttpResponse<Buffer> page = live.get(live.authorizePath(client, ""));
      HttpResponse<Buffer> toA = live.decide(page, "approve", false, List.of("a", "b"));
      HttpResponse<Buffer> toB = live.get(live.get(toA.getHeader("Location")).getHeader("Location"));
      Map<String, String> q = OAuthFixture.query(live.followToClient(toB).getHeader("Location"));
      String token = live.token(live.codeExchange(client, q.get("code"))).bodyAsJsonObject().getString("access_token");
      Map<String, String> h = RawMcp.postHeaders();
      h.put("Authorization", "Bearer " + token);
      String session = new RawMcp(live.issuer() + "/mcp/b").post(h, RawMcp.initializeBody("2025-11-25")).headers()
          .firstValue("Mcp-Session-Id").orElseThrow();
      assertFalse(RawMcp.isError(getProject(live, "b", token, session)));

      // Reordered, b first with a new label: the app, its secret and the sealed tokens follow the name.
      write(file, "{\"instances\":[{\"name\":\"b\",\"label\":\"B moved\",\"url\":\"" + b.baseUrl()
          + "\",\"oauth\":{\"clientId\":\"b-app-id\"}},{\"name\":\"a\",\"url\":\"" + live.gitlab.url()
          + "\",\"default\":true}]}");
      String listed = "";
      for (int i = 0; i < 100 && !listed.contains("B moved"); i++) {
        Thread.sleep(100); // the watcher checks the file every second
        listed = RawMcp.text(call(live, "b", token, session, "list_instances", new JsonObject()));
      }
      assertTrue(listed.indexOf("\"name\":\"b\"") < listed.indexOf("\"name\":\"a\""), listed);
      assertTrue(RawMcp.text(getProject(live, "b", token, session)).contains("group/project-on-b"));
      assertTrue(RawMcp.text(getProject(live, "a", token)).contains("group/project\""));
      assertTrue(OAuthFixture.offered(live.get(live.authorizePath(client, "")).bodyAsString()).containsAll(
          List.of("a", "b")));

      write(file, live.twoInstances(null, ",{\"name\":\"b\",\"url\":\"" + b.baseUrl()
          + "\",\"oauth\":{\"clientId\":\"b-app-v2\"}}"));
      JsonObject onB = getProject(live, "b", token, session);
      for (int i = 0; i < 100 && !onB.containsKey("status"); i++) {
        Thread.sleep(100); // the watcher checks the file every second
        onB = getProject(live, "b", token, session);
      }
      assertEquals(401, onB.getInteger("status"), onB::encode);
      assertTrue(onB.getString("body").contains("The GitLab application of instance b changed since this sign-in"),
          onB::encode);
      assertFalse(RawMcp.isError(getProject(live, "a", token)), "a is unaffected");

      write(file, live.twoInstances(null, ",{\"name\":\"c\",\"url\":\"" + b.baseUrl()
          + "\",\"oauth\":{\"clientId\":\"c-app\"}}"));
      List<String> offered = List.of();
      for (int i = 0; i < 100 && !offered.equals(List.of("a", "c")); i++) {
        Thread.sleep(100);
        offered = OAuthFixture.offered(live.get(live.authorizePath(client, "")).bodyAsString());
      }
      assertEquals(List.of("a", "c"), offered, "the added instance is offered, the removed one not");
      int bCalls = b.getAllServeEvents().size();
      JsonObject removed = getProject(live, "b", token);
      assertTrue(removed.getInteger("status", 200) >= 400 && removed.getInteger("status") < 500, removed::encode);
      JsonObject onA = getProject(live, "a", token);
      assertFalse(RawMcp.isError(onA), onA::encode);
      assertTrue(RawMcp.text(onA).contains("group/project"), onA::encode);
      assertEquals(bCalls, b.getAllServeEvents().size(), "nothing more reaches the removed instance");
    }
  }

  private static void write(java.nio.file.Path file, String json) {
    try {
      java.nio.file.Files.writeString(file, json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
