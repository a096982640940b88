package dev.gitlabmcp.gateway.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.instance;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.limits;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.msSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.gitlab.GitLabReply.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * never exceeds, and the immediate "busy" answers when it cannot take more.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
@Timeout(30)
class InstanceRegistryLimitsTest {

  private static final String USER = "/api/v4/user";
  private static final Pattern BUSY = Pattern.compile("GitLab instance Corp GitLab is busy; retry in (\\d+) s");

  private static WireMockServer gitlab;

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

  @Test
  void should_hold_the_configured_rate_within_10_percent(Vertx vertx) {
    answer(0);
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", gitlab.baseUrl(), limits(20, 1, 50, 200, 20_000)));
    List<Long> done = Collections.synchronizedList(new ArrayList<>());
    List<Future<GitLabReply>> calls = new ArrayList<>();
    long start = System.nanoTime();

    for (int i = 0; i < 100; i++) {
      calls.add(registry.call("corp", "/user?n=" + i).onSuccess(r -> done.add(System.nanoTime())));
    }
    Future.all(calls).await();

    for (Future<GitLabReply> c : calls) {
      assertEquals(200, c.result().status(), String.valueOf(c.result().failureDetail()));
    }
    List<Long> sorted = new ArrayList<>(done);
    Collections.sort(sorted);
    // The steady part: from the 11th completion to the last, 89 intervals.
    double seconds = (sorted.get(99) - sorted.get(10)) / 1e9;
    double rate = 89 / seconds;
    System.out.printf("limiter rate: %.2f/s over %.2f s (configured 20/s), total %d ms%n", rate, seconds,
        msSince(start));
    assertTrue(rate >= 18 && rate <= 22, "measured " + rate + " calls/s, configured 20");
    gitlab.verify(100, getRequestedFor(urlPathEqualTo(USER)));
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
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", "Corp GitLab", gitlab.baseUrl(), limits(1000, 1000, 1, 2, 10_000), 2));
    List<Future<GitLabReply>> admitted = List.of(registry.call("corp", "/user?n=1"), registry.call("corp", "/user?n=2"),
        registry.call("corp", "/user?n=3"));
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 2, 5000);

    long start = System.nanoTime();
    GitLabReply refused = registry.call("corp", "/user?n=4").await();
    long elapsed = msSince(start);

    assertEquals(Failure.BUSY, refused.failure());
    Matcher m = BUSY.matcher(refused.failureDetail());
    assertTrue(m.matches(), refused.failureDetail());
    assertTrue(Integer.parseInt(m.group(1)) >= 1, refused.failureDetail());
    assertTrue(elapsed < 500, "refused after " + elapsed + " ms");
    JsonObject limiter = registry.status().getJsonObject("corp").getJsonObject("limiter");
    assertEquals(1, limiter.getInteger("active"));
    assertEquals(2, limiter.getInteger("queued"));
    assertEquals(1, limiter.getLong("rejected"));
    Future.all(admitted).await();
    admitted.forEach(c -> assertEquals(200, c.result().status()));
    gitlab.verify(0, getRequestedFor(urlEqualTo(USER + "?n=4")));
  }

  @Test
  void should_answer_busy_when_the_queue_wait_times_out(Vertx vertx) {
    answer(1500);
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", "Corp GitLab", gitlab.baseUrl(), limits(1000, 1000, 1, 10, 500), 2));
    Future<GitLabReply> first = registry.call("corp", "/user?n=1");

    long start = System.nanoTime();
    GitLabReply second = registry.call("corp", "/user?n=2").await();
    long elapsed = msSince(start);

    assertEquals(Failure.BUSY, second.failure());
    assertTrue(BUSY.matcher(second.failureDetail()).matches(), second.failureDetail());
    assertTrue(elapsed >= 450 && elapsed < 1500, "refused after " + elapsed + " ms, queue timeout 500");
    assertEquals(200, first.await().status());
    gitlab.verify(0, getRequestedFor(urlEqualTo(USER + "?n=2")));
  }

  @Test
  void should_take_a_cancelled_call_out_of_the_queue_at_once(Vertx vertx) throws Exception {
    answer(1500);
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", gitlab.baseUrl(), limits(1000, 1000, 1, 10, 10_000)));
    Future<GitLabReply> first = registry.call("corp", "/user?n=1", "s1/1");
    Future<GitLabReply> queued = registry.call("corp", "/user?n=2", "s1/2");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 1, 5000);

    long start = System.nanoTime();
    registry.cancel("s1/2");
    GitLabReply cancelled = queued.await();

    assertEquals(Failure.CANCELLED, cancelled.failure());
    assertTrue(msSince(start) < 500, "cancelled after " + msSince(start) + " ms");
    assertEquals(0, registry.status().getJsonObject("corp").getJsonObject("limiter").getInteger("queued"));
    assertEquals(200, first.await().status());
    gitlab.verify(0, getRequestedFor(urlEqualTo(USER + "?n=2")));
  }

  @Test
  void should_pause_until_RateLimit_Reset_when_GitLab_says_the_budget_is_spent(Vertx vertx) {
    answer(0);
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", gitlab.baseUrl(), limits(100, 100, 10, 10, 10_000)));
    assertEquals(200, registry.call("corp", "/user?n=0").await().status()); // connected and warm
    long resetEpoch = System.currentTimeMillis() / 1000 + 3;
    gitlab.stubFor(get(urlEqualTo(USER + "?n=1")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1}")
        .withHeader("RateLimit-Limit", "600").withHeader("RateLimit-Remaining", "0")
        .withHeader("RateLimit-Reset", String.valueOf(resetEpoch))));

    GitLabReply first = registry.call("corp", "/user?n=1").await();
    long expectedPauseMs = resetEpoch * 1000 - System.currentTimeMillis();
    long start = System.nanoTime();
    assertTrue(registry.status().getJsonObject("corp").getJsonObject("limiter").getBoolean("throttled"));
    GitLabReply second = registry.call("corp", "/user?n=2").await();
    long paused = msSince(start);

    assertEquals(200, first.status());
    assertEquals(200, second.status());
    System.out.printf("paused %d ms, RateLimit-Reset was %d ms away%n", paused, expectedPauseMs);
    assertTrue(paused >= 0.8 * expectedPauseMs, "paused " + paused + " ms, reset was " + expectedPauseMs + " ms away");
    assertTrue(paused < expectedPauseMs + 1500, "paused " + paused + " ms, reset was " + expectedPauseMs + " ms away");
  }

  @Test
  void should_spread_a_low_remaining_budget_until_RateLimit_Reset(Vertx vertx) {
    // 20 of 1000 left (2%), 2 s to the reset: at most 10 calls a second, the first after 100 ms.
    long resetAtMs = System.currentTimeMillis() + 2000;
    gitlab.stubFor(get(urlPathEqualTo(USER)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1}")
        .withHeader("RateLimit-Limit", "1000").withHeader("RateLimit-Remaining", "20")
        .withHeader("RateLimit-Reset", String.valueOf((resetAtMs + 999) / 1000))));
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", gitlab.baseUrl(), limits(1000, 1000, 50, 50, 10_000)));
    registry.call("corp", "/user?n=0").await();

    long start = System.nanoTime();
    List<Future<GitLabReply>> calls = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      calls.add(registry.call("corp", "/user?n=" + i));
    }
    Future.all(calls).await();
    long elapsed = msSince(start);

    // Unthrottled, five calls take a few ms; spread at <= 10/s they take about 500 ms.
    assertTrue(elapsed >= 300, "5 calls took " + elapsed + " ms");
    assertTrue(elapsed < 3000, "5 calls took " + elapsed + " ms");
    JsonObject corp = registry.status().getJsonObject("corp");
    assertEquals("healthy", corp.getString("status"));
    assertNull(corp.getString("lastError"));
  }
}
