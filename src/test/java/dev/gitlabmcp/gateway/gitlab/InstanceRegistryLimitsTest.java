package dev.gitlabmcp.gateway.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.instance;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.limits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.GitLabReply.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-instance limiter as callers see it through the registry: the rate it holds, the slots it
 * never exceeds, the immediate "busy" answers when it cannot take more, GitLab's slow-downs kept to
 * the caller they were meant for, and the cap on answers held in memory. Time is the test's
 * {@link ManualTicker}: nothing here measures the wall clock.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
@Timeout(30)
class InstanceRegistryLimitsTest {

  private static final String USER = "/api/v4/user";
  private static final Pattern BUSY = Pattern.compile("GitLab instance Corp GitLab is busy; retry in (\\d+) s");
  private static final Credential ALICE = RegistryFixture.CREDENTIAL;
  private static final Credential BOB = Credential.privateToken(new Secret("glpat-bob-registry-test-98765"));

  private static WireMockServer gitlab;
  private final ManualTicker clock = new ManualTicker();

  @BeforeAll
  static void startGitLab() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .containerThreads(64));
    gitlab.start();
  }

  @AfterAll
  static void stopGitLab() {
    gitlab.stop();
  }

  @BeforeEach
  void resetGitLab() {
    gitlab.resetAll();
  }

  private static void answer(int delayMs) {
    gitlab.stubFor(get(urlPathEqualTo(USER)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1}").withFixedDelay(delayMs)));
  }

  /** GitLab says the caller's budget is down to {@code remaining} of 1000 until {@code resetInS} seconds from now. */
  private void answerLowBudget(String pathAndQuery, int remaining, int resetInS) {
    gitlab.stubFor(get(urlEqualTo(USER + pathAndQuery)).atPriority(1).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1}")
        .withHeader("RateLimit-Limit", "1000").withHeader("RateLimit-Remaining", String.valueOf(remaining))
        .withHeader("RateLimit-Reset", String.valueOf(clock.epochMillis() / 1000 + resetInS))));
  }

  /** Moves the clock in steps of stepMs and checks that each step, not a millisecond sooner, starts one queued call. */
  private void assertOneStartsPerStep(RegistryFixture registry, int steps, long stepMs) {
    int queued = registry.limiter("corp").getInteger("queued");
    for (int step = 1; step <= steps; step++) {
      clock.advance(stepMs - 1);
      assertEquals(queued - step + 1, registry.limiter("corp").getInteger("queued"), "before step " + step);
      clock.advance(1);
      assertEquals(queued - step, registry.limiter("corp").getInteger("queued"), "after step " + step);
    }
  }

  private static int sent(String pathAndQuery) {
    return gitlab.findAll(getRequestedFor(urlEqualTo(USER + pathAndQuery))).size();
  }

  @Test
  void should_start_calls_at_the_configured_rate(Vertx vertx) throws Exception {
    answer(0);
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock,
        instance("corp", gitlab.baseUrl(), limits(20, 1, 50, 200, 20_000)));
    List<Future<GitLabReply>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(registry.call("corp", "/user?n=" + i));
    }
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 9, 5000);

    assertOneStartsPerStep(registry, 9, 50); // one token every 50 ms

    Future.all(calls).await();
    calls.forEach(c -> assertEquals(200, c.result().status(), String.valueOf(c.result().failureDetail())));
    gitlab.verify(10, getRequestedFor(urlPathEqualTo(USER)));
  }

  @Test
  void should_never_exceed_maxConcurrent(Vertx vertx) {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    HttpServer slowGitLab = vertx.createHttpServer().requestHandler(req -> {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      vertx.setTimer(50, t -> {
        inFlight.decrementAndGet();
        req.response().putHeader("Content-Type", "application/json").end("{\"id\":1}");
      });
    }).listen(0, "127.0.0.1").await();
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", "http://127.0.0.1:" + slowGitLab.actualPort(), limits(10_000, 10_000, 3, 100, 10_000)));
    List<Future<GitLabReply>> calls = new ArrayList<>();

    for (int i = 0; i < 30; i++) {
      calls.add(registry.call("corp", "/user"));
    }
    Future.all(calls).await();

    calls.forEach(c -> assertEquals(200, c.result().status()));
    assertEquals(3, peak.get(), "most requests GitLab saw at once");
  }

  @Test
  void should_answer_busy_at_once_when_the_queue_is_full(Vertx vertx) throws Exception {
    answer(800);
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock,
        instance("corp", "Corp GitLab", gitlab.baseUrl(), limits(1000, 1000, 1, 2, 10_000), 2));
    List<Future<GitLabReply>> admitted = List.of(registry.call("corp", "/user?n=1"), registry.call("corp", "/user?n=2"),
        registry.call("corp", "/user?n=3"));
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 2, 5000);

    // The clock stands still: the refusal cannot come from a queue timeout, only from the full queue.
    GitLabReply refused = registry.call("corp", "/user?n=4").await();

    assertEquals(Failure.BUSY, refused.failure());
    Matcher m = BUSY.matcher(refused.failureDetail());
    assertTrue(m.matches(), refused.failureDetail());
    assertTrue(Integer.parseInt(m.group(1)) >= 1, refused.failureDetail());
    JsonObject limiter = registry.limiter("corp");
    assertEquals(1, limiter.getInteger("active"));
    assertEquals(2, limiter.getInteger("queued"));
    assertEquals(1, limiter.getLong("rejected"));
    Future.all(admitted).await();
    admitted.forEach(c -> assertEquals(200, c.result().status()));
    gitlab.verify(0, getRequestedFor(urlEqualTo(USER + "?n=4")));
  }

  @Test
  void should_answer_busy_when_the_queue_wait_times_out(Vertx vertx) throws Exception {
    answer(1500);
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock,
        instance("corp", "Corp GitLab", gitlab.baseUrl(), limits(1000, 1000, 1, 10, 500), 2));
    Future<GitLabReply> first = registry.call("corp", "/user?n=1");
    Future<GitLabReply> second = registry.call("corp", "/user?n=2");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 1, 5000);

    clock.advance(499);
    assertEquals(1, registry.limiter("corp").getInteger("queued"), "still waiting 1 ms before the timeout");
    assertFalse(second.isComplete());
    clock.advance(1);

    GitLabReply refused = second.await();
    assertEquals(Failure.BUSY, refused.failure());
    assertTrue(BUSY.matcher(refused.failureDetail()).matches(), refused.failureDetail());
    assertEquals(200, first.await().status());
    gitlab.verify(0, getRequestedFor(urlEqualTo(USER + "?n=2")));
  }

  @Test
  void should_take_a_cancelled_call_out_of_the_queue_at_once(Vertx vertx) throws Exception {
    answer(1500);
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock,
        instance("corp", gitlab.baseUrl(), limits(1000, 1000, 1, 10, 10_000)));
    Future<GitLabReply> first = registry.call("corp", "/user?n=1", "s1/1");
    Future<GitLabReply> queued = registry.call("corp", "/user?n=2", "s1/2");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 1, 5000);

    registry.cancel("s1/2");
    GitLabReply cancelled = queued.await();

    // The clock stood still and the first call still holds the only slot: only the cancel explains this.
    assertFalse(first.isComplete());
    assertEquals(Failure.CANCELLED, cancelled.failure());
    assertEquals(0, registry.limiter("corp").getInteger("queued"));
    assertEquals(200, first.await().status());
    gitlab.verify(0, getRequestedFor(urlEqualTo(USER + "?n=2")));
  }

  @Test
  void should_pause_only_the_caller_whose_budget_GitLab_says_is_spent(Vertx vertx) throws Exception {
    answer(0);
    answerLowBudget("?n=1", 0, 3);
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock,
        instance("corp", gitlab.baseUrl(), limits(100, 100, 10, 10, 10_000)));
    assertEquals(200, registry.call("corp", "/user?n=1", null, ALICE).await().status());
    JsonObject limiter = registry.limiter("corp");
    assertTrue(limiter.getBoolean("throttled"));
    assertEquals(1, limiter.getInteger("throttledCredentials"));

    Future<GitLabReply> alice = registry.call("corp", "/user?n=2", null, ALICE);
    GitLabReply bob = registry.call("corp", "/user?n=3", null, BOB).await(5, TimeUnit.SECONDS);

    assertEquals(200, bob.status(), "Bob's GitLab budget is his own: he does not wait for Alice's reset");
    assertFalse(alice.isComplete());
    assertEquals(1, registry.limiter("corp").getInteger("queued"));
    clock.advance(2999);
    assertEquals(1, registry.limiter("corp").getInteger("queued"), "Alice waits until RateLimit-Reset");
    clock.advance(1);
    assertEquals(200, alice.await().status());
    assertEquals(1, sent("?n=2"));
  }

  @Test
  void should_spread_a_callers_low_remaining_budget_until_RateLimit_Reset(Vertx vertx) throws Exception {
    // 20 of 1000 left (2%), 2 s to the reset: 10 calls a second for Alice, one every 100 ms.
    answer(0);
    answerLowBudget("?n=0", 20, 2);
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock,
        instance("corp", gitlab.baseUrl(), limits(1000, 1000, 50, 50, 10_000)));
    registry.call("corp", "/user?n=0", null, ALICE).await();

    List<Future<GitLabReply>> calls = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      calls.add(registry.call("corp", "/user?n=" + i, null, ALICE));
    }
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 5, 5000);
    assertOneStartsPerStep(registry, 5, 100);

    Future.all(calls).await();
    calls.forEach(c -> assertEquals(200, c.result().status()));
    JsonObject corp = registry.status().getJsonObject("corp");
    assertEquals("healthy", corp.getString("status"));
    assertNull(corp.getString("lastError"));
  }

  // ---- answers held in memory

  /** A GitLab whose /api/v4/user?slow sends half its body, then the rest once {@code finish} completes. */
  private static HttpServer halfThenRest(Vertx vertx, int halfBytes, Future<Void> finish) {
    String half = "x".repeat(halfBytes);
    return vertx.createHttpServer().requestHandler(req -> {
      req.response().setChunked(true).putHeader("Content-Type", "application/json");
      if (req.uri().endsWith("slow")) {
        req.response().write("\"" + half);
        finish.onComplete(v -> req.response().end(half + "\""));
      } else {
        req.response().end("\"" + half + half + "\"");
      }
    }).listen(0, "127.0.0.1").await();
  }

  private static RateLimitConfig budget(long maxResponseBytesInFlight) {
    return new RateLimitConfig(1000, 1000, 10, 10, 10_000, maxResponseBytesInFlight);
  }

  @Test
  void should_refuse_an_answer_that_would_overfill_the_instances_response_budget(Vertx vertx) throws Exception {
    Promise<Void> finish = Promise.promise();
    HttpServer server = halfThenRest(vertx, 40_000, finish.future());
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock, instance("corp", "Corp GitLab",
        "http://127.0.0.1:" + server.actualPort(), budget(64 * 1024), 0));
    Future<GitLabReply> slow = registry.call("corp", "/user?slow");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getLong("responseBytesInFlight") >= 40_000, 5000);

    GitLabReply refused = registry.call("corp", "/user?fast").await();
    finish.complete();

    assertEquals(Failure.BUSY, refused.failure());
    assertTrue(refused.failureDetail().startsWith("GitLab instance Corp GitLab is busy"), refused.failureDetail());
    assertTrue(refused.failureDetail().contains("65536-byte budget"), refused.failureDetail());
    assertEquals(80_002, slow.await().body().length());
    assertEquals(0L, registry.limiter("corp").getLong("responseBytesInFlight"), "released once handed over");
    assertEquals(80_002, registry.call("corp", "/user?fast").await().body().length(), "room again");
  }

  @Test
  void should_let_a_lone_answer_exceed_the_response_budget(Vertx vertx) {
    HttpServer server = halfThenRest(vertx, 40_000, Future.succeededFuture());
    RegistryFixture registry = RegistryFixture.deploy(vertx, clock, instance("corp", "Corp GitLab",
        "http://127.0.0.1:" + server.actualPort(), budget(16 * 1024), 0));

    GitLabReply reply = registry.call("corp", "/user?fast").await();

    assertEquals(200, reply.status(), String.valueOf(reply.failureDetail()));
    assertEquals(80_002, reply.body().length());
  }
}
