package dev.gitlabmcp.gateway.gitlab;

import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.limits;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.msSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Permit;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Reason;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Rejected;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The limiter on its own event loop: bursts, queue limits, and how GitLab's rate-limit headers slow it down. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
@Timeout(20)
class InstanceLimiterTest {

  private Context context;
  private Vertx vertx;

  @BeforeEach
  void context(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
  }

  /** Runs on the limiter's event loop and waits for the answer. */
  private <T> T on(Callable<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future().await();
  }

  private InstanceLimiter limiter(RateLimitConfig config) {
    return on(() -> new InstanceLimiter(vertx, config));
  }

  private Future<Permit> acquire(InstanceLimiter l, String callId) {
    return on(() -> l.acquire(callId));
  }

  private static Rejected rejection(Future<Permit> f) {
    try {
      f.await();
    } catch (Rejected r) {
      return r;
    }
    throw new AssertionError("admitted, expected a rejection");
  }

  private static GitLabReply reply(int status, Map<String, String> headers) {
    return new GitLabReply(status, headers, Buffer.buffer(), null, null, 1, 1);
  }

  @Test
  void should_admit_a_burst_at_once_then_pace_at_the_rate() {
    InstanceLimiter l = limiter(limits(2, 3, 10, 10, 5000));

    for (int i = 0; i < 3; i++) {
      assertTrue(acquire(l, "c" + i).isComplete(), "call " + i + " is within the burst");
    }
    long start = System.nanoTime();
    acquire(l, "c3").await();
    long waited = msSince(start);

    assertTrue(waited >= 400 && waited < 1000, "the 4th call waited " + waited + " ms at 2 per second");
  }

  @Test
  void should_refuse_at_once_with_no_queue() {
    InstanceLimiter l = limiter(limits(100, 100, 1, 0, 5000));
    acquire(l, "a").await();

    Rejected r = rejection(acquire(l, "b"));

    assertEquals(Reason.QUEUE_FULL, r.reason);
    assertTrue(r.retryAfterSeconds >= 1);
    assertEquals(1L, on(l::rejectedQueueFull));
  }

  @Test
  void should_hint_a_retry_from_how_long_calls_hold_their_slots() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 1, 60_000));
    Permit first = acquire(l, "a").await();
    Future<Permit> second = acquire(l, "b");
    on(() -> {
      first.release();
      return null;
    });
    Permit held = second.await();
    Future<Permit> queued = acquire(l, "c");
    Rejected r = rejection(acquire(l, "d"));

    // Slots were held for a moment only: the next one is expected within a second.
    assertEquals(1, r.retryAfterSeconds);
    on(() -> {
      held.release();
      return null;
    });
    queued.await();
  }

  @Test
  void should_admit_queued_calls_at_once_when_maxConcurrent_is_raised() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 10, 5000));
    acquire(l, "a").await();
    Future<Permit> waiting = acquire(l, "b");
    assertFalse(waiting.isComplete());

    on(() -> {
      l.reconfigure(limits(1000, 1000, 2, 10, 5000));
      return null;
    });

    waiting.await();
    assertEquals(2, (int) on(l::active));
  }

  @Test
  void should_release_a_slot_only_once() {
    InstanceLimiter l = limiter(limits(1000, 1000, 2, 10, 5000));
    Permit p = acquire(l, "a").await();
    acquire(l, "b").await();

    on(() -> {
      p.release();
      p.release();
      return null;
    });

    assertEquals(1, (int) on(l::active));
  }

  @Test
  void should_spread_a_low_remaining_budget_evenly_until_the_reset() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));
    on(() -> {
      l.throttle(2, 2000); // 2 calls in 2 s: one a second
      return null;
    });

    long start = System.nanoTime();
    Future<Permit> first = acquire(l, "a");
    Future<Permit> second = acquire(l, "b");
    first.await();
    long firstAt = msSince(start);
    second.await();
    long secondAt = msSince(start);

    assertTrue(firstAt >= 800 && firstAt < 1500, "first admitted after " + firstAt + " ms");
    assertTrue(secondAt >= 1800 && secondAt < 2600, "second admitted after " + secondAt + " ms");
  }

  @Test
  void should_pause_for_Retry_After_on_a_429() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));
    on(() -> {
      l.observe(reply(429, Map.of("retry-after", "1")));
      return null;
    });

    long start = System.nanoTime();
    acquire(l, "a").await();
    long waited = msSince(start);

    assertTrue(waited >= 800 && waited < 1600, "admitted after " + waited + " ms");
  }

  @Test
  void should_not_slow_down_while_the_budget_is_ample_or_already_reset() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));
    long now = System.currentTimeMillis() / 1000;

    boolean throttled = on(() -> {
      l.observe(reply(200, Map.of("ratelimit-limit", "2000", "ratelimit-remaining", "1500",
          "ratelimit-reset", String.valueOf(now + 30))));
      l.observe(reply(200, Map.of("ratelimit-limit", "2000", "ratelimit-remaining", "3",
          "ratelimit-reset", String.valueOf(now - 5))));
      return l.throttled();
    });

    assertFalse(throttled);
    assertTrue(acquire(l, "a").isComplete());
  }

  @Test
  void should_count_low_remaining_without_a_limit_below_ten() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));

    boolean throttled = on(() -> {
      l.observe(reply(200, Map.of("ratelimit-remaining", "9")));
      return l.throttled();
    });

    assertTrue(throttled);
  }

  @Test
  void should_bound_a_pause_however_far_away_GitLab_says_the_reset_is() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 200));
    long inAnHour = System.currentTimeMillis() / 1000 + 3600;
    on(() -> {
      l.observe(reply(200, Map.of("ratelimit-limit", "2000", "ratelimit-remaining", "0",
          "ratelimit-reset", String.valueOf(inAnHour))));
      return null;
    });

    Rejected r = rejection(acquire(l, "a"));

    assertEquals(Reason.QUEUE_TIMEOUT, r.reason);
    long maxS = InstanceLimiter.MAX_THROTTLE_MS / 1000;
    assertTrue(r.retryAfterSeconds >= maxS - 2 && r.retryAfterSeconds <= maxS + 1,
        "retry in " + r.retryAfterSeconds + " s; a pause lasts at most " + maxS + " s");
  }

  @Test
  void should_refuse_queued_and_new_calls_once_closed() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 10, 5000));
    acquire(l, "a").await();
    Future<Permit> waiting = acquire(l, "b");

    on(() -> {
      l.close();
      return null;
    });

    assertEquals(Reason.CLOSED, rejection(waiting).reason);
    assertEquals(Reason.CLOSED, rejection(acquire(l, "c")).reason);
  }

  @Test
  void should_cancel_only_a_queued_call() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 10, 5000));
    acquire(l, "a").await();
    Future<Permit> waiting = acquire(l, "b");

    assertFalse(on(() -> l.cancel("a")), "an admitted call is the client's to cancel");
    assertTrue(on(() -> l.cancel("b")));

    Rejected r = rejection(waiting);
    assertInstanceOf(Rejected.class, r);
    assertEquals(Reason.CANCELLED, r.reason);
  }
}
