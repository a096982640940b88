package dev.gitlabmcp.gateway.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.core.LocalCodec;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory.Info;
import dev.gitlabmcp.gateway.testing.CallerVerticle;
import dev.gitlabmcp.gateway.testing.CallerVerticle.Continuation;
import dev.gitlabmcp.gateway.testing.ManualClock;
import dev.gitlabmcp.gateway.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the gateway learns about each GitLab instance, against a WireMock GitLab reached through the
 * real registry verticle and GitLab client: the version and edition that land in the directory, what
 * stays unknown, how often GitLab is asked, and whose token is used.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstanceIntrospectorTest {

  private static final String SERVER_TOKEN = "glpat-introspect-server-0123456789";
  private static final String CALLER_TOKEN = "gloas-introspect-caller-9876543210";
  private static final Credential CALLER = new Credential(Credential.Kind.BEARER, new Secret(CALLER_TOKEN));
  private static final String METADATA = "/api/v4/metadata";
  private static final String VERSION = "/api/v4/version";
  private static final String GRAPHQL = "/api/graphql";
  /** Call timeouts no test should reach on a busy machine: only the timeout test holds an answer back. */
  private static final Duration PATIENT = Poll.DEADLINE;

  private static WireMockServer gitlab;
  private Vertx vertx;
  private final ManualClock clock = new ManualClock();
  private final List<InstanceIntrospector> started = new ArrayList<>();

  @BeforeAll
  static void startGitLab() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .http2PlainDisabled(false));
    gitlab.start();
  }

  @AfterAll
  static void stopGitLab() {
    gitlab.stop();
  }

  @BeforeEach
  void setUp() {
    gitlab.resetAll();
    vertx = Vertx.vertx();
    LocalCodec.register(vertx, GitLabCall.class);
    LocalCodec.register(vertx, GitLabReply.class);
  }

  @AfterEach
  void tearDown() throws Exception {
    started.forEach(InstanceIntrospector::stop);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---- version and edition

  @Test
  void should_learn_version_and_enterprise_edition_from_the_metadata_endpoint() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200,
        "{\"version\":\"17.5.1-ee\",\"revision\":\"4a1b2c3d\",\"kas\":{\"enabled\":false},\"enterprise\":true}")));
    InstanceDirectory directory = directory(instance("corp", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    Info info = await(introspector.learnWith("corp", CALLER));

    assertEquals("17.5.1-ee", info.version());
    assertEquals(Boolean.TRUE, info.enterprise());
    assertEquals(info, directory.info("corp"), "what was learned is in the shared directory");
    assertEquals(clock.millis(), info.fetchedAtMillis(), "stamped with the time it was learned");
    gitlab.verify(1, getRequestedFor(urlEqualTo(METADATA)));
    gitlab.verify(0, getRequestedFor(urlEqualTo(VERSION)));
    gitlab.verify(0, postRequestedFor(urlEqualTo(GRAPHQL)));
  }

  @Test
  void should_recognise_community_edition_and_refuse_paid_tiers_there() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200,
        "{\"version\":\"17.4.2\",\"revision\":\"aa11bb22\",\"enterprise\":false}")));
    InstanceDirectory directory = directory(instance("oss", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    Info info = await(introspector.learnWith("oss", CALLER));

    assertEquals("17.4.2", info.version());
    assertEquals(Boolean.FALSE, info.enterprise());
    assertTrue(InstanceIntrospector.canServe(info, "free"));
    assertFalse(InstanceIntrospector.canServe(info, "premium"));
    assertFalse(InstanceIntrospector.canServe(info, "ultimate"));
  }

  @Test
  void should_serve_every_tier_on_enterprise_edition_and_when_the_edition_is_unknown() {
    Info ee = new Info("17.5.1-ee", true, 1);
    for (String tier : new String[] {null, "free", "premium", "ultimate"}) {
      assertTrue(InstanceIntrospector.canServe(ee, tier), "EE serves " + tier);
      assertTrue(InstanceIntrospector.canServe(Info.UNKNOWN, tier), "unknown edition serves " + tier);
      assertTrue(InstanceIntrospector.canServe(new Info("17.5.1", null, 1), tier), "version only serves " + tier);
      assertTrue(InstanceIntrospector.canServe(null, tier), "no info serves " + tier);
    }
  }

  @Test
  void should_read_the_edition_from_the_version_on_gitlab_before_the_metadata_endpoint() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(404, "{\"error\":\"404 Not Found\"}")));
    gitlab.stubFor(get(urlEqualTo(VERSION)).willReturn(json(200,
        "{\"version\":\"14.10.5-ee\",\"revision\":\"0f1e2d3c\"}")));
    InstanceDirectory directory = directory(instance("old", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    Info info = await(introspector.learnWith("old", CALLER));

    assertEquals("14.10.5-ee", info.version());
    assertEquals(Boolean.TRUE, info.enterprise());
    gitlab.verify(0, postRequestedFor(urlEqualTo(GRAPHQL)));
  }

  @Test
  void should_ask_graphql_when_rest_cannot_tell_the_edition() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(404, "{\"error\":\"404 Not Found\"}")));
    gitlab.stubFor(get(urlEqualTo(VERSION)).willReturn(json(200, "{\"version\":\"15.1.0-pre\",\"revision\":\"x\"}")));
    gitlab.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(equalToJson(InstanceIntrospector.GRAPHQL_QUERY))
        .willReturn(json(200, "{\"data\":{\"metadata\":{\"version\":\"15.1.0-pre\",\"enterprise\":true}}}")));
    InstanceDirectory directory = directory(instance("pre", Secret.NONE));
    graphqlAwareRegistry(directory);
    InstanceIntrospector introspector = start(new InstanceIntrospector(vertx, directory, Duration.ofHours(1),
        PATIENT, clock));

    Info info = await(introspector.learnWith("pre", CALLER));

    assertEquals("15.1.0-pre", info.version());
    assertEquals(Boolean.TRUE, info.enterprise());
    gitlab.verify(1, postRequestedFor(urlEqualTo(GRAPHQL)).withHeader("Authorization", equalTo("Bearer " + CALLER_TOKEN))
        .withHeader("Content-Type", equalTo("application/json")));
  }

  @Test
  void should_take_a_plain_release_number_for_community_edition_only_when_nothing_else_answers() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(404, "{\"error\":\"404 Not Found\"}")));
    gitlab.stubFor(get(urlEqualTo(VERSION)).willReturn(json(200, "{\"version\":\"14.9.0\",\"revision\":\"x\"}")));
    InstanceDirectory directory = directory(instance("foss", Secret.NONE));
    // Through today's registry GraphQL is not reachable (it answers 404): the release number decides.
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    Info info = await(introspector.learnWith("foss", CALLER));

    assertEquals("14.9.0", info.version());
    assertEquals(Boolean.FALSE, info.enterprise());
    assertNull(InstanceIntrospector.editionOf("15.1.0-pre", true), "a pre-release says nothing about the edition");
    assertEquals(Boolean.TRUE, InstanceIntrospector.editionOf("16.0.0-EE", false));
    assertNull(InstanceIntrospector.editionOf("16.0.0", false), "not a guess while GraphQL may still answer");
  }

  // ---- what stays unknown

  @Test
  void should_leave_the_instance_unknown_when_gitlab_refuses_the_token() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(401, "{\"message\":\"401 Unauthorized\"}")));
    InstanceDirectory directory = directory(instance("corp", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    Info info = await(introspector.learnWith("corp", CALLER));

    assertEquals(Info.UNKNOWN, info);
    assertEquals(Info.UNKNOWN, directory.info("corp"));
    assertTrue(InstanceIntrospector.canServe(info, "ultimate"), "unknown is not a reason to hide tools");
    gitlab.verify(1, anyRequestedFor(anyUrl()));
    // A failure is not retried at once by every next caller.
    assertEquals(Info.UNKNOWN, await(introspector.learnWith("corp", CALLER)));
    gitlab.verify(1, anyRequestedFor(anyUrl()));
  }

  @Test
  void should_give_up_after_the_call_timeout_and_cancel_the_call_when_gitlab_does_not_answer() throws Exception {
    InstanceDirectory directory = directory(instance("slow", Secret.NONE));
    // A registry whose GitLab never answers: only the introspector's own timeout can end the probe.
    List<GitLabCall> unanswered = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> cancelled = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<GitLabCall>localConsumer(Addresses.GITLAB_CALL, msg -> unanswered.add(msg.body()));
    vertx.eventBus().<String>localConsumer(Addresses.GITLAB_CANCEL, msg -> cancelled.add(msg.body()));
    InstanceIntrospector introspector = start(new InstanceIntrospector(vertx, directory, Duration.ofHours(1),
        Duration.ofMillis(300), clock));

    Info info = await(introspector.learnWith("slow", CALLER));

    assertEquals(Info.UNKNOWN, info);
    assertEquals(Info.UNKNOWN, directory.info("slow"));
    assertEquals(1, unanswered.size());
    Poll.until(() -> cancelled.contains(unanswered.get(0).callId()), "the unanswered call cancelled");
  }

  @Test
  void should_not_ask_anyone_for_an_unknown_instance_or_without_a_credential() throws Exception {
    InstanceDirectory directory = directory(instance("corp", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    assertEquals(Info.UNKNOWN, await(introspector.learnWith("nowhere", CALLER)));
    assertEquals(Info.UNKNOWN, await(introspector.learnWith("corp", Credential.ANONYMOUS)));
    assertEquals(0, introspector.probes());
    gitlab.verify(0, anyRequestedFor(anyUrl()));
  }

  // ---- how often, and with whose token

  @Test
  void should_share_one_request_among_concurrent_callers() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200,
        "{\"version\":\"17.5.1-ee\",\"enterprise\":true}").withFixedDelay(300)));
    InstanceDirectory directory = directory(instance("corp", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    List<Future<Info>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // From several event loops at once, as the HTTP verticles would.
      io.vertx.core.Promise<Info> p = io.vertx.core.Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> introspector.learnWith("corp", CALLER).onComplete(p));
      calls.add(p.future());
    }
    Future.all(calls).toCompletionStage().toCompletableFuture().get(Poll.DEADLINE.toSeconds(), TimeUnit.SECONDS);

    for (Future<Info> f : calls) {
      assertEquals("17.5.1-ee", f.result().version());
    }
    assertEquals(1, introspector.probes());
    gitlab.verify(1, getRequestedFor(urlEqualTo(METADATA)));
  }

  @Test
  void should_continue_each_joining_caller_on_its_own_event_loop() throws Exception {
    InstanceDirectory directory = directory(instance("corp", Secret.NONE));
    List<Message<GitLabCall>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<GitLabCall>localConsumer(Addresses.GITLAB_CALL, held::add);
    InstanceIntrospector introspector = start(new InstanceIntrospector(vertx, directory, Duration.ofHours(1),
        PATIENT, clock));
    CallerVerticle first = new CallerVerticle();
    CallerVerticle second = new CallerVerticle();
    await(vertx.deployVerticle(first));
    await(vertx.deployVerticle(second));
    Thread firstLoop = await(first.thread());
    Thread secondLoop = await(second.thread());
    assertFalse(firstLoop == secondLoop, "precondition: two event loops");

    Future<Continuation<Info>> firstDone = first.call(() -> introspector.learnWith("corp", CALLER));
    Poll.until(() -> held.size() == 1, "the probe to reach GitLab");
    Future<Continuation<Info>> secondDone = second.call(() -> introspector.learnWith("corp", CALLER));
    await(second.thread()); // the second caller has joined the running probe
    held.get(0).reply(new GitLabReply(200, Map.of(), io.vertx.core.buffer.Buffer.buffer(
        "{\"version\":\"17.5.1-ee\",\"enterprise\":true}"), null, null, 1, 1));

    Continuation<Info> a = await(firstDone);
    Continuation<Info> b = await(secondDone);
    assertEquals("17.5.1-ee", b.result().version());
    assertSame(first.context(), a.context());
    assertSame(firstLoop, a.thread());
    assertSame(second.context(), b.context(), "the joiner continues on its own context");
    assertSame(secondLoop, b.thread(), "the joiner continues on its own event loop");
    assertEquals(1, introspector.probes());
  }

  @Test
  void should_use_the_callers_token_when_the_instance_has_no_server_token() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200, "{\"version\":\"17.5.1-ee\",\"enterprise\":true}")));
    InstanceDirectory directory = directory(instance("corp", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofMillis(200));

    // start() looked: nothing to learn without a token.
    assertEquals(0, introspector.probes());
    await(introspector.learnWith("corp", CALLER));

    gitlab.verify(1, getRequestedFor(urlEqualTo(METADATA))
        .withHeader("Authorization", equalTo("Bearer " + CALLER_TOKEN)).withHeader("PRIVATE-TOKEN", absent()));
    // The background refresh never acts for a caller: after several TTLs, still one request.
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMillis(250));
      introspector.checkAll();
    }
    assertEquals(1, introspector.probes());
    gitlab.verify(1, getRequestedFor(urlEqualTo(METADATA)));
  }

  @Test
  void should_learn_and_refresh_in_the_background_with_the_server_token() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200, "{\"version\":\"17.5.0-ee\",\"enterprise\":true}")));
    InstanceDirectory directory = directory(instance("corp", new Secret(SERVER_TOKEN)));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));

    Poll.until(() -> "17.5.0-ee".equals(directory.info("corp").version()), "the first version learned at start");
    gitlab.verify(1, getRequestedFor(urlEqualTo(METADATA)).withHeader("PRIVATE-TOKEN", equalTo(SERVER_TOKEN)));
    assertEquals(clock.millis(), directory.info("corp").fetchedAtMillis());
    // Within the TTL a caller gets the cached answer, and a background check asks GitLab nothing.
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200, "{\"version\":\"17.5.1-ee\",\"enterprise\":true}")));
    clock.advance(Duration.ofHours(1).minusMillis(1));
    assertEquals("17.5.0-ee", await(introspector.learnWith("corp", CALLER)).version());
    introspector.checkAll();
    assertEquals(1, introspector.probes());
    gitlab.verify(1, getRequestedFor(urlEqualTo(METADATA)));

    clock.advance(Duration.ofMillis(1));
    introspector.checkAll();

    Poll.until(() -> "17.5.1-ee".equals(directory.info("corp").version()), "the upgrade learned after the TTL");
    assertEquals(clock.millis(), directory.info("corp").fetchedAtMillis());
    gitlab.verify(2, getRequestedFor(urlEqualTo(METADATA)).withHeader("PRIVATE-TOKEN", equalTo(SERVER_TOKEN)));
  }

  @Test
  void should_give_stale_facts_at_once_while_refreshing_them() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200, "{\"version\":\"17.5.0-ee\",\"enterprise\":true}")));
    InstanceDirectory directory = directory(instance("corp", Secret.NONE));
    InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofMinutes(5));
    await(introspector.learnWith("corp", CALLER));
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200,
        "{\"version\":\"17.6.0-ee\",\"enterprise\":true}").withFixedDelay(1_000)));
    clock.advance(Duration.ofMinutes(5)); // the facts are stale now

    Future<Info> stale = introspector.learnWith("corp", CALLER);

    assertTrue(stale.isComplete(), "a stale answer does not wait for GitLab");
    assertEquals("17.5.0-ee", stale.result().version());
    Poll.until(() -> "17.6.0-ee".equals(directory.info("corp").version()), "the refreshed version");
  }

  @Test
  void should_learn_an_instance_added_by_a_reload_and_forget_a_removed_one() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(200, "{\"version\":\"17.5.1-ee\",\"enterprise\":true}")));
    gitlab.stubFor(get(urlEqualTo("/extra/api/v4/metadata")).willReturn(json(200,
        "{\"version\":\"16.11.3\",\"enterprise\":false}")));
    GitLabConfig corp = instance("corp", new Secret(SERVER_TOKEN));
    GitLabConfig extra = instance("extra", URI.create(gitlab.baseUrl() + "/extra"), new Secret(SERVER_TOKEN), false);
    InstanceDirectory directory = directory(corp, extra);
    // The registry knows both (as after its own reload); the directory shows only corp for now.
    await(vertx.deployVerticle(new InstanceRegistryVerticle(directory, null)));
    directory.replace(List.of(corp));
    // The periodic look at the directory (every 400 ms here, with the real timer) finds the new instance.
    start(new InstanceIntrospector(vertx, directory, Duration.ofMillis(400), PATIENT, clock));
    Poll.until(() -> directory.info("corp").version() != null, "corp learned at start");

    directory.replace(List.of(corp, extra));

    Poll.until(() -> Boolean.FALSE.equals(directory.info("extra").enterprise()), "the added instance learned");
    assertEquals("16.11.3", directory.info("extra").version());
    directory.replace(List.of(extra));
    assertEquals(Info.UNKNOWN, directory.info("corp"), "a removed instance's facts are gone");
  }

  @Test
  void should_never_write_a_token_to_the_log() throws Exception {
    gitlab.stubFor(get(urlEqualTo(METADATA)).willReturn(json(401, "{\"message\":\"401 Unauthorized\"}")));
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.setContext(root.getLoggerContext());
    log.start();
    root.addAppender(log);
    try {
      InstanceDirectory directory = directory(instance("corp", new Secret(SERVER_TOKEN)));
      InstanceIntrospector introspector = registryAndIntrospector(directory, Duration.ofHours(1));
      await(introspector.learnWith("corp", CALLER));
      Poll.until(() -> introspector.probes() >= 1 && gitlab.getAllServeEvents().size() >= 1, "a probe");
      Poll.until(() -> snapshot(log).stream().anyMatch(l -> l.contains("gitlab_introspection_failed")), "the failure logged");
      for (String line : snapshot(log)) {
        assertFalse(line.contains(SERVER_TOKEN) || line.contains(CALLER_TOKEN), "token in log: " + line);
      }
      assertTrue(snapshot(log).stream().anyMatch(l -> l.contains("instance=corp") && l.contains("HTTP 401")),
          "the operator sees which instance failed and why: " + snapshot(log));
    } finally {
      root.detachAppender(log);
    }
  }

  // ---- helpers

  private static List<String> snapshot(ListAppender<ILoggingEvent> log) {
    synchronized (log.list) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private static GitLabConfig instance(String name, Secret token) {
    return instance(name, URI.create(gitlab.baseUrl()), token, true);
  }

  private static GitLabConfig instance(String name, URI url, Secret token, boolean isDefault) {
    return new GitLabConfig(name, url, token, true, true, 4, 60, 10_000, 30_000, 1024 * 1024, 1, name, isDefault, "",
        false, "", List.of(), OAuthClientConfig.NONE, RateLimitConfig.DEFAULT);
  }

  private static InstanceDirectory directory(GitLabConfig... instances) {
    return new InstanceDirectory(List.of(instances));
  }

  private InstanceIntrospector registryAndIntrospector(InstanceDirectory directory, Duration ttl) throws Exception {
    await(vertx.deployVerticle(new InstanceRegistryVerticle(directory, null)));
    return start(new InstanceIntrospector(vertx, directory, ttl, PATIENT, clock));
  }

  private InstanceIntrospector start(InstanceIntrospector introspector) {
    started.add(introspector);
    return introspector.start();
  }

  /**
   * A stand-in registry that maps {@link InstanceIntrospector#GRAPHQL_PATH} to /api/graphql, as the
   * real client will once it routes that path (the change is proposed to the lead); REST is passed
   * through unchanged.
   */
  private void graphqlAwareRegistry(InstanceDirectory directory) {
    HttpClientAgent http = vertx.createHttpClient();
    vertx.eventBus().<GitLabCall>localConsumer(Addresses.GITLAB_CALL, msg -> forward(http, directory, msg));
  }

  private static void forward(HttpClientAgent http, InstanceDirectory directory, Message<GitLabCall> msg) {
    GitLabCall call = msg.body();
    String base = directory.get(call.instance()).baseUrl().toString();
    String url = InstanceIntrospector.GRAPHQL_PATH.equals(call.pathAndQuery()) ? base + "/api/graphql"
        : base + "/api/v4" + call.pathAndQuery();
    RequestOptions opts = new RequestOptions().setMethod(call.method()).setAbsoluteURI(url);
    if (call.credential().kind() == Credential.Kind.BEARER) {
      opts.putHeader("Authorization", "Bearer " + call.credential().secret().reveal());
    }
    if (call.body() != null) {
      opts.putHeader("Content-Type", "application/json");
    }
    http.request(opts)
        .compose(req -> call.body() == null ? req.send() : req.send(call.body()))
        .compose(resp -> resp.body().map(b -> new GitLabReply(resp.statusCode(), Map.of(), b, null, null, 1, 0)))
        .onSuccess(msg::reply)
        .onFailure(err -> msg.reply(GitLabReply.failed(GitLabReply.Failure.CONNECTION, "test forward failed", 1, 0)));
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(Poll.DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }
}
