package dev.gitlabmcp.gateway.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.gitlabmcp.gateway.auth.CredentialHandle;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.OAuthState;
import dev.gitlabmcp.gateway.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * GitLab tokens of grants resolved just before calls: a refresh is single-flight per grant and instance on
 * one replica and across replicas sharing the stores, against a fake GitLab whose refresh invalidates the
 * previous refresh token as GitLab's does.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public class GrantTokensTest {

  static final String CLIENT = "client-1";
  static final String ISSUER = "https://gw.example";
  static final String INVALID_GRANT = "{\"error\":\"invalid_grant\",\"error_description\":\"The provided authorization "
      + "grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or "
      + "was issued to another client.\"}";

  protected final ManualClock clock = new ManualClock(System.currentTimeMillis()); // Redis expires keys by its own time
  protected Vertx vertx;
  WireMockServer gitlab;
  InstanceDirectory directory;
  OAuthState state;
  KeyRing keys = KeyRing.forThisProcess();

  /** The stores the replicas share; another backend's test overrides it. */
  protected OAuthState newState() {
    return OAuthState.memory(clock::millis);
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    directory = new InstanceDirectory(List.of(new GitLabConfig("main", URI.create(gitlab.baseUrl()), Secret.NONE,
        false, false, 8, 60, 2000, 5000, 1 << 20, 0, "main", true, "", false, "", List.of(),
        OAuthClientConfig.NONE, RateLimitConfig.DEFAULT)));
    state = newState();
    // GitLab's refresh: each refresh token works once; the previous one is then invalid_grant.
    gitlab.stubFor(post(urlEqualTo("/oauth/token")).atPriority(10)
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(INVALID_GRANT)));
    for (int i = 0; i < 3; i++) {
      gitlab.stubFor(post(urlEqualTo("/oauth/token")).atPriority(1).inScenario("rotation")
          .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "r" + i)
          .withRequestBody(containing("refresh_token=glrt-" + i + "&"))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
              "{\"access_token\":\"glat-" + (i + 1) + "\",\"token_type\":\"Bearer\",\"expires_in\":7200,"
                  + "\"refresh_token\":\"glrt-" + (i + 1) + "\",\"scope\":\"api\",\"created_at\":1750000000}"))
          .willSetStateTo("r" + (i + 1)));
    }
  }

  @AfterEach
  void tearDown() {
    gitlab.stop();
    await(vertx.close());
  }

  ResourceServer replica() {
    return ResourceServer.create(vertx, directory, state, keys, dev.gitlabmcp.gateway.config.OAuthTokensConfig.DEFAULTS,
        ISSUER, instance -> new GitLabRefresh.App("gl-app", new Secret("gl-secret"), ISSUER + "/oauth/callback"),
        "api", clock::millis);
  }

  /** A redeemed grant whose GitLab access token glat-0 expires in {@code expiresInMillis}. */
  String grant(ResourceServer rs, long expiresInMillis) {
    GitLabTokens t = new GitLabTokens("glat-0", "glrt-0", clock.millis() + expiresInMillis, "api");
    String id = await(rs.grants().create(CLIENT, List.of("api"), ISSUER + "/mcp",
        List.of(new ConnectedInstance("main", 7, "alice", t))));
    await(rs.grants().redeem(id, CLIENT));
    return id;
  }

  /** {@code n} resolves at once, spread over the replicas and over event-loop contexts. */
  List<String> concurrently(int n, String grantId, ResourceServer... replicas) {
    List<Future<Credential>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ResourceServer rs = replicas[i % replicas.length];
      Promise<Credential> p = Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> rs.tokens().resolve(
          new CredentialHandle.Grant(grantId, List.of("api")), "main").onComplete(p));
      all.add(p.future());
    }
    await(Future.join(all));
    List<String> out = new ArrayList<>();
    for (Future<Credential> f : all) {
      assertTrue(f.succeeded(), () -> "a resolve failed: " + f.cause());
      out.add(f.result().secret().reveal());
    }
    return out;
  }

  int refreshesAtGitLab() {
    return gitlab.countRequestsMatching(postRequestedFor(urlEqualTo("/oauth/token")).build()).getCount();
  }

  @Test
  void should_send_a_token_that_is_not_due_without_asking_gitlab() {
    ResourceServer rs = replica();
    String id = grant(rs, 3_600_000);
    assertEquals(List.of("glat-0", "glat-0"), concurrently(2, id, rs));
    assertEquals(0, refreshesAtGitLab());
  }

  @Test
  void should_refresh_an_expiring_token_once_for_fifty_concurrent_calls() {
    ResourceServer rs = replica();
    String id = grant(rs, 60_000); // inside the 5-minute margin
    List<String> tokens = concurrently(50, id, rs);
    assertTrue(tokens.stream().allMatch("glat-1"::equals), tokens::toString);
    assertEquals(1, refreshesAtGitLab());
    gitlab.verify(postRequestedFor(urlEqualTo("/oauth/token"))
        .withRequestBody(containing("grant_type=refresh_token"))
        .withRequestBody(containing("refresh_token=glrt-0"))
        .withRequestBody(containing("client_id=gl-app"))
        .withRequestBody(containing("client_secret=gl-secret"))
        .withRequestBody(containing("redirect_uri=" + java.net.URLEncoder.encode(ISSUER + "/oauth/callback",
            java.nio.charset.StandardCharsets.UTF_8))));
    // the new pair is stored (sealed): the next call needs no refresh
    assertEquals(List.of("glat-1"), concurrently(1, id, rs));
    assertEquals(1, refreshesAtGitLab());
  }

  @Test
  void should_refresh_once_across_two_replicas_sharing_the_stores() {
    ResourceServer a = replica();
    ResourceServer b = replica();
    String id = grant(a, 60_000);
    await(b.grants().live(id)); // b has the old tokens cached too
    List<String> tokens = concurrently(50, id, a, b);
    assertTrue(tokens.stream().allMatch("glat-1"::equals), tokens::toString);
    assertEquals(1, refreshesAtGitLab());
    assertEquals(1, a.tokens().refreshes() + b.tokens().refreshes());
  }

  @Test
  void should_retry_after_a_gitlab_401_with_the_token_another_replica_refreshed() {
    ResourceServer a = replica();
    ResourceServer b = replica();
    String id = grant(a, 60_000);
    await(b.grants().live(id));
    assertEquals(List.of("glat-1"), concurrently(1, id, a)); // a refreshed; b's cache still says glat-0
    Credential rejected = new Credential(Credential.Kind.BEARER, new Secret("glat-0"));
    Credential newer = await(b.tokens().afterRejection(new CredentialHandle.Grant(id, List.of("api")), "main",
        rejected));
    assertEquals("glat-1", newer.secret().reveal());
    assertEquals(1, refreshesAtGitLab());
  }

  @Test
  void should_refresh_a_rejected_token_that_was_not_yet_due() {
    ResourceServer rs = replica();
    String id = grant(rs, 3_600_000);
    Credential newer = await(rs.tokens().afterRejection(new CredentialHandle.Grant(id, List.of("api")), "main",
        new Credential(Credential.Kind.BEARER, new Secret("glat-0"))));
    assertEquals("glat-1", newer.secret().reveal());
    assertEquals(1, refreshesAtGitLab());
  }

  @Test
  void should_end_the_grant_with_a_401_when_gitlab_refuses_the_refresh() {
    ResourceServer rs = replica();
    GitLabTokens revoked = new GitLabTokens("glat-x", "glrt-revoked", clock.millis() + 1000, "api");
    String id = await(rs.grants().create(CLIENT, List.of("api"), ISSUER + "/mcp",
        List.of(new ConnectedInstance("main", 7, "alice", revoked))));
    await(rs.grants().redeem(id, CLIENT));
    HttpProblem p = assertThrows(HttpProblem.class, () -> await(rs.tokens().resolve(
        new CredentialHandle.Grant(id, List.of("api")), "main")));
    assertEquals(401, p.status());
    String challenge = p.headers().get("WWW-Authenticate");
    assertTrue(challenge.startsWith("Bearer error=\"invalid_token\""), challenge);
    assertTrue(challenge.contains("resource_metadata=\"" + ISSUER + "/.well-known/oauth-protected-resource/mcp\""),
        challenge);
    assertFalse(p.body().encode().contains("glrt"), p.body().encode());
    assertNull(await(state.grants().get(id)));
    // the next call is refused at once, without asking GitLab again
    assertThrows(HttpProblem.class, () -> await(rs.tokens().resolve(new CredentialHandle.Grant(id, List.of("api")),
        "main")));
    assertEquals(1, refreshesAtGitLab());
  }

  @Test
  void should_store_the_refreshed_pair_sealed() {
    ResourceServer rs = replica();
    String id = grant(rs, 60_000);
    concurrently(1, id, rs);
    GrantRecord g = await(state.grants().get(id));
    for (String clear : List.of("glat-0", "glat-1", "glrt-0", "glrt-1")) {
      assertFalse(g.toString().contains(clear), clear + " stored in clear");
    }
    assertEquals("glrt-1", rs.grants().sealed().open(g).get("main").tokens().refreshToken());
  }
}
