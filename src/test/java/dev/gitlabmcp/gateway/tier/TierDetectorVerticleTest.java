package dev.gitlabmcp.gateway.tier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.core.LocalCodec;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.GitLabCall;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.gitlab.InstanceRegistryVerticle;
import dev.gitlabmcp.gateway.testing.HeldResponses;
import dev.gitlabmcp.gateway.testing.ManualClock;
import dev.gitlabmcp.gateway.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The detector against a WireMock GitLab, through the real instance registry. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TierDetectorVerticleTest {

  static final String TOKEN_A = "glpat-tier-caller-a-0123456789";
  static final String TOKEN_B = "glpat-tier-caller-b-0123456789";
  private static final DeliveryOptions WAIT = new DeliveryOptions().setSendTimeout(60_000);
  /** A lookup timeout no test should reach: only the timeout test itself holds GitLab's answer back. */
  private static final Duration PATIENT = Duration.ofSeconds(30);

  private WireMockServer gitlab;
  private final HeldResponses held = new HeldResponses();
  private final ManualClock clock = new ManualClock();
  private Vertx vertx;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .extensions(held));
    gitlab.start();
    vertx = Vertx.vertx();
    LocalCodec.register(vertx, GitLabCall.class);
    LocalCodec.register(vertx, GitLabReply.class);
    LocalCodec.register(vertx, TierQuery.class);
    LocalCodec.register(vertx, TierAnswer.class);
    GitLabConfig cfg = new GitLabConfig("corp", URI.create(gitlab.baseUrl()), Secret.NONE, false, false, 64, 60,
        10_000, 30_000, 1024 * 1024, 0, "corp", true, "", false, "", List.of(), OAuthClientConfig.NONE,
        new RateLimitConfig(10_000, 10_000, 1_000, 1_000, 10_000));
    vertx.deployVerticle(new InstanceRegistryVerticle(new InstanceDirectory(List.of(cfg)), null, Duration.ZERO))
        .await();
  }

  @AfterEach
  void stop() {
    held.release();
    vertx.close().await();
    gitlab.stop();
  }

  private void deploy(Duration ttl, Duration timeout) {
    vertx.deployVerticle(new TierDetectorVerticle(meters, ttl, timeout, clock)).await();
  }

  private void deploy() {
    deploy(Duration.ofMinutes(5), PATIENT);
  }

  private static TierQuery query(String token, TierQuery.Kind kind, String ref) {
    return new TierQuery("corp", "user-" + token.charAt(18), Credential.privateToken(new Secret(token)), kind, ref);
  }

  private Future<TierAnswer> ask(TierQuery q) {
    return vertx.eventBus().<TierAnswer>request(Addresses.TIER_LOOKUP, q, WAIT).map(Message::body);
  }

  private TierAnswer lookup(String ref) {
    return ask(query(TOKEN_A, TierQuery.Kind.GROUP, ref)).await();
  }

  static MappingBuilder graphqlFor(String top) {
    return post(urlPathEqualTo("/api/graphql")).withRequestBody(matchingJsonPath("$.variables.fullPath", equalTo(top)));
  }

  static String namespace(String top, String plan, boolean premiumFeatures, boolean ultimateFeatures) {
    JsonObject ns = new JsonObject().put("fullPath", top)
        .put("plan", plan == null ? null : new JsonObject().put("name", plan))
        .put("licensedFeatures", new JsonObject().put("hasEpicsFeature", premiumFeatures)
            .put("hasIterationsFeature", premiumFeatures).put("hasIssueWeightsFeature", premiumFeatures)
            .put("hasScopedLabelsFeature", premiumFeatures).put("hasSubepicsFeature", ultimateFeatures)
            .put("hasOkrsFeature", ultimateFeatures).put("hasQualityManagementFeature", ultimateFeatures)
            .put("hasIssuableHealthStatusFeature", ultimateFeatures));
    return new JsonObject().put("data", new JsonObject().put("namespace", ns)).encode();
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse().withHeader("Content-Type", "application/json").withBody(body);
  }

  private double counter(String name, String result) {
    var c = meters.find(name).tag("gitlab_instance", "corp").tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void should_answer_ultimate_from_the_plan_gitlab_com_shows_an_owner() {
    gitlab.stubFor(graphqlFor("acme").willReturn(json(namespace("acme", "ultimate_trial", true, true))));
    deploy();

    TierAnswer a = lookup("acme/platform");

    assertEquals(Tier.ULTIMATE, a.tier());
    assertEquals("ultimate_trial", a.rawPlan());
    assertEquals("acme", a.namespace());
    assertEquals("graphql_plan", a.source());
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql"))
        .withHeader("PRIVATE-TOKEN", equalTo(TOKEN_A)));
  }

  @Test
  void should_answer_premium_from_licensed_features_when_the_plan_is_hidden_from_the_caller() {
    gitlab.stubFor(graphqlFor("acme").willReturn(json(namespace("acme", null, true, false))));
    deploy();

    TierAnswer a = lookup("acme");

    assertEquals(Tier.PREMIUM, a.tier());
    assertNull(a.rawPlan());
    assertEquals("graphql_features", a.source());
  }

  @Test
  void should_answer_free_for_a_free_namespace() {
    gitlab.stubFor(graphqlFor("hobby").willReturn(json(namespace("hobby", "free", false, false))));
    deploy();

    TierAnswer a = lookup("hobby");

    assertEquals(Tier.FREE, a.tier());
    assertEquals("free", a.rawPlan());
  }

  @Test
  void should_trust_the_license_features_over_the_default_plan_of_a_self_managed_instance() {
    gitlab.stubFor(graphqlFor("corp-group").willReturn(json(namespace("corp-group", "default", true, true))));
    deploy();

    TierAnswer a = lookup("corp-group");

    assertEquals(Tier.ULTIMATE, a.tier(), "self-managed namespaces say 'default'; the license decides");
    assertEquals("graphql_features", a.source());
  }

  @Test
  void should_read_the_license_of_an_older_self_managed_instance_whose_graphql_lacks_the_fields() {
    gitlab.stubFor(graphqlFor("corp-group").willReturn(json(
        "{\"errors\":[{\"message\":\"Field 'plan' doesn't exist on type 'Namespace'\"}]}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/namespaces/corp-group")).willReturn(json(
        "{\"id\":7,\"full_path\":\"corp-group\",\"kind\":\"group\",\"plan\":\"default\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/license")).willReturn(json(
        "{\"id\":1,\"plan\":\"premium\",\"expired\":false}")));
    deploy();

    TierAnswer a = lookup("corp-group");

    assertEquals(Tier.PREMIUM, a.tier());
    assertEquals("premium", a.rawPlan());
    assertEquals("license", a.source());
  }

  @Test
  void should_answer_unknown_when_an_older_instance_hides_both_plan_and_license() {
    gitlab.stubFor(graphqlFor("corp-group").willReturn(json("{\"errors\":[{\"message\":\"Field doesn't exist\"}]}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/namespaces/corp-group")).willReturn(json(
        "{\"id\":7,\"full_path\":\"corp-group\",\"kind\":\"group\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/license")).willReturn(aResponse().withStatus(403)
        .withBody("{\"message\":\"403 Forbidden\"}")));
    deploy();

    TierAnswer a = lookup("corp-group");

    assertEquals(Tier.UNKNOWN, a.tier());
    assertEquals("undetermined", a.source());
  }

  @Test
  void should_use_the_rest_plan_of_gitlab_com_when_graphql_cannot_tell() {
    gitlab.stubFor(graphqlFor("acme").willReturn(aResponse().withStatus(500)));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/namespaces/acme")).willReturn(json(
        "{\"id\":7,\"full_path\":\"acme\",\"plan\":\"silver\"}")));
    deploy();

    TierAnswer a = lookup("acme");

    assertEquals(Tier.PREMIUM, a.tier());
    assertEquals("silver", a.rawPlan());
    assertEquals("rest_plan", a.source());
    gitlab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/license")));
  }

  @Test
  void should_resolve_a_numeric_project_id_to_its_top_level_namespace() {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42")).willReturn(json(
        "{\"id\":42,\"path_with_namespace\":\"acme/team/app\"}")));
    gitlab.stubFor(graphqlFor("acme").willReturn(json(namespace("acme", "premium", true, false))));
    deploy();

    TierAnswer first = ask(query(TOKEN_A, TierQuery.Kind.PROJECT, "42")).await();
    TierAnswer again = ask(query(TOKEN_A, TierQuery.Kind.PROJECT, "42")).await();
    TierAnswer byPath = ask(query(TOKEN_A, TierQuery.Kind.PROJECT, "acme/other")).await();

    assertEquals(Tier.PREMIUM, first.tier());
    assertEquals("acme", first.namespace());
    assertEquals(Tier.PREMIUM, again.tier());
    assertEquals(Tier.PREMIUM, byPath.tier());
    gitlab.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/projects/42")));
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")));
  }

  @Test
  void should_answer_unknown_for_a_namespace_the_caller_cannot_see() {
    gitlab.stubFor(graphqlFor("secret").willReturn(json("{\"data\":{\"namespace\":null}}")));
    deploy();

    TierAnswer a = lookup("secret");

    assertEquals(Tier.UNKNOWN, a.tier());
    assertEquals("not_visible", a.source());
    gitlab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/namespaces/secret")));
  }

  @Test
  void should_reuse_an_answer_for_the_ttl_and_ask_again_after_it() {
    gitlab.stubFor(graphqlFor("acme").willReturn(json(namespace("acme", "premium", true, false))));
    deploy(Duration.ofMinutes(5), PATIENT);

    lookup("acme");
    clock.advance(Duration.ofMinutes(5).minusMillis(1));
    lookup("acme/app");
    lookup("ACME");
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")));
    clock.advance(Duration.ofMillis(1));
    assertEquals(Tier.PREMIUM, lookup("acme").tier());

    gitlab.verify(2, postRequestedFor(urlPathEqualTo("/api/graphql")));
    assertEquals(2, counter("tier.lookups", "hit"));
    assertEquals(2, counter("tier.lookups", "miss"));
  }

  @Test
  void should_keep_callers_with_different_tokens_apart() {
    gitlab.stubFor(graphqlFor("acme").withHeader("PRIVATE-TOKEN", equalTo(TOKEN_A))
        .willReturn(json(namespace("acme", "ultimate", true, true))));
    gitlab.stubFor(graphqlFor("acme").withHeader("PRIVATE-TOKEN", equalTo(TOKEN_B))
        .willReturn(json("{\"data\":{\"namespace\":null}}")));
    deploy();

    for (int i = 0; i < 2; i++) {
      assertEquals(Tier.ULTIMATE, ask(query(TOKEN_A, TierQuery.Kind.GROUP, "acme")).await().tier());
      assertEquals(Tier.UNKNOWN, ask(query(TOKEN_B, TierQuery.Kind.GROUP, "acme")).await().tier());
    }
    // Same subject, another token: still its own entry.
    TierQuery sameSubject = new TierQuery("corp", "user-a", Credential.privateToken(new Secret(TOKEN_B)),
        TierQuery.Kind.GROUP, "acme");
    assertEquals(Tier.UNKNOWN, ask(sameSubject).await().tier());

    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")).withHeader("PRIVATE-TOKEN", equalTo(TOKEN_A)));
    gitlab.verify(2, postRequestedFor(urlPathEqualTo("/api/graphql")).withHeader("PRIVATE-TOKEN", equalTo(TOKEN_B)));
  }

  @Test
  void should_share_one_gitlab_query_among_50_concurrent_lookups() {
    gitlab.stubFor(graphqlFor("acme")
        .willReturn(json(namespace("acme", "gold", true, true)).withTransformers(HeldResponses.NAME)));
    deploy();

    List<Future<TierAnswer>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(ask(query(TOKEN_A, TierQuery.Kind.PROJECT, "acme/app-" + i)));
    }
    Poll.until(() -> counter("tier.lookups", "shared") == 49, "49 lookups joining the first one's query");
    held.release(); // GitLab answers only once every lookup has joined
    Future.all(all).await();

    for (Future<TierAnswer> f : all) {
      assertEquals(Tier.ULTIMATE, f.result().tier(), f.result().toString());
    }
    gitlab.verify(1, anyRequestedFor(anyUrl()));
    assertEquals(1, counter("tier.lookups", "miss"));
    assertEquals(49, counter("tier.lookups", "shared"));
  }

  @Test
  void should_answer_unknown_when_gitlab_is_slower_than_the_timeout_and_keep_the_late_answer() {
    gitlab.stubFor(graphqlFor("acme")
        .willReturn(json(namespace("acme", "premium", true, false)).withTransformers(HeldResponses.NAME)));
    deploy(Duration.ofMinutes(5), Duration.ofMillis(300));

    TierAnswer a = lookup("acme"); // GitLab holds its answer until after this one

    assertEquals(Tier.UNKNOWN, a.tier());
    assertEquals("timeout", a.source());
    assertEquals(1, counter("tier.timeouts", "timeout"));

    held.release();
    Poll.until(() -> counter("tier.detections", "premium") == 1, "the query to run on and fill the cache");
    TierAnswer later = lookup("acme");
    assertEquals(Tier.PREMIUM, later.tier());
    gitlab.verify(1, postRequestedFor(urlPathEqualTo("/api/graphql")));
  }

  @Test
  void should_never_put_the_token_in_the_caller_key() {
    String key = TierDetectorVerticle.callerKey(query(TOKEN_A, TierQuery.Kind.GROUP, "acme"));

    assertFalse(key.contains(TOKEN_A));
    assertFalse(key.contains("0123456789"));
    assertTrue(key.startsWith("user-a|"));
    assertFalse(key.equals(TierDetectorVerticle.callerKey(new TierQuery("corp", "user-a",
        Credential.privateToken(new Secret(TOKEN_B)), TierQuery.Kind.GROUP, "acme"))));
  }
}
