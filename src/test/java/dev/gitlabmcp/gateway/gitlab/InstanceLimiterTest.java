package dev.gitlabmcp.gateway.gitlab;

import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.limits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Permit;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Reason;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Rejected;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The limiter on a clock the test moves: bursts, queue limits, and how GitLab's rate-limit headers
 * slow down the caller they were sent to, and no one else.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstanceLimiterTest {

  private static final String ALICE = "alice-fingerprint";
  private static final String BOB = "bob-fingerprint";

  private final ManualTicker clock = new ManualTicker();

  private InstanceLimiter limiter(RateLimitConfig config) {
    return new InstanceLimiter(clock, config);
  }

  private static Rejected rejection(Future<Permit> f) {
    assertTrue(f.failed(), "expected a rejection, the call is " + (f.isComplete() ? "admitted" : "waiting"));
    return (Rejected) f.cause();
  }

  private static GitLabReply reply(int status, Map<String, String> headers) {
    return new GitLabReply(status, headers, Buffer.buffer(), null, null, 1, 1);
  }

  /** Moves the clock ms forward, and checks the call was admitted then and not a millisecond sooner. */
  private void assertAdmittedAfter(long ms, Future<Permit> call, String why) {
    clock.advance(ms - 1);
    assertFalse(call.isComplete(), why + ": still waiting 1 ms before");
    clock.advance(1);
    assertTrue(call.succeeded(), why);
  }

  private long epochSeconds() {
    return clock.epochMillis() / 1000;
  }

  @Test
  void should_admit_a_burst_at_once_then_pace_at_the_rate() {
    InstanceLimiter l = limiter(limits(2, 3, 10, 10, 5000));

    for (int i = 0; i < 3; i++) {
      assertTrue(l.acquire("c" + i, ALICE).succeeded(), "call " + i + " is within the burst");
    }
    Future<Permit> fourth = l.acquire("c3", ALICE);

    assertAdmittedAfter(500, fourth, "at 2 per second the 4th call waits 500 ms");
    assertEquals(500, fourth.result().waitedNanos() / 1_000_000);
  }

  @Test
  void should_take_its_rate_from_the_token_bucket_it_is_given() {
    boolean[] open = {false};
    TokenBucket shared = new TokenBucket() {
      @Override
      public boolean tryTake(long nowNanos, boolean callsWaiting) {
        return open[0];
      }

      @Override
      public long nanosUntilNext(long nowNanos) {
        return 100_000_000L;
      }

      @Override
      public double tokens(long nowNanos) {
        return open[0] ? 1 : 0;
      }

      @Override
      public void reconfigure(RateLimitConfig next, long nowNanos) {
      }
    };
    InstanceLimiter l = new InstanceLimiter(clock, limits(1000, 1000, 10, 10, 5000), shared);

    Future<Permit> call = l.acquire("a", ALICE);
    clock.advance(100);
    assertFalse(call.isComplete(), "the shared bucket has no token for it yet");
    open[0] = true;

    assertAdmittedAfter(100, call, "admitted when the limiter next asks the bucket");
  }

  @Test
  void should_refuse_at_once_with_no_queue() {
    InstanceLimiter l = limiter(limits(100, 100, 1, 0, 5000));
    l.acquire("a", ALICE);

    Rejected r = rejection(l.acquire("b", ALICE));

    assertEquals(Reason.QUEUE_FULL, r.reason);
    assertTrue(r.retryAfterSeconds >= 1);
    assertEquals(1L, l.rejectedQueueFull());
  }

  @Test
  void should_hint_a_retry_from_how_long_calls_hold_their_slots() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 1, 60_000));
    Permit first = l.acquire("a", ALICE).result();
    Future<Permit> second = l.acquire("b", ALICE);
    clock.advance(10);
    first.release();
    Permit held = second.result();
    Future<Permit> queued = l.acquire("c", ALICE);

    Rejected r = rejection(l.acquire("d", ALICE));

    // Slots were held for 10 ms: the next one is expected within a second.
    assertEquals(1, r.retryAfterSeconds);
    held.release();
    assertTrue(queued.succeeded());
  }

  @Test
  void should_admit_queued_calls_at_once_when_maxConcurrent_is_raised() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 10, 5000));
    l.acquire("a", ALICE);
    Future<Permit> waiting = l.acquire("b", ALICE);
    assertFalse(waiting.isComplete());

    l.reconfigure(limits(1000, 1000, 2, 10, 5000));

    assertTrue(waiting.succeeded());
    assertEquals(2, l.active());
  }

  @Test
  void should_release_a_slot_only_once() {
    InstanceLimiter l = limiter(limits(1000, 1000, 2, 10, 5000));
    Permit p = l.acquire("a", ALICE).result();
    l.acquire("b", ALICE);

    p.release();
    p.release();

    assertEquals(1, l.active());
  }

  @Test
  void should_refuse_a_call_that_waited_queueTimeoutMs() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 10, 500));
    l.acquire("a", ALICE);
    Future<Permit> waiting = l.acquire("b", BOB);

    clock.advance(499);
    assertFalse(waiting.isComplete());
    clock.advance(1);

    assertEquals(Reason.QUEUE_TIMEOUT, rejection(waiting).reason);
    assertEquals(1L, l.rejectedQueueTimeout());
    assertEquals(0, l.queued());
  }

  @Test
  void should_spread_a_low_remaining_budget_evenly_until_the_reset() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));
    l.slow(ALICE, 2, 2000); // 2 calls in 2 s: one a second

    Future<Permit> first = l.acquire("a", ALICE);
    Future<Permit> second = l.acquire("b", ALICE);

    assertAdmittedAfter(1000, first, "the first goes after its share of the window");
    assertAdmittedAfter(1000, second, "the second a second later");
  }

  @Test
  void should_pause_only_the_caller_whose_answer_was_a_429() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));
    l.observe(ALICE, reply(429, Map.of("retry-after", "1")));

    Future<Permit> alice = l.acquire("a", ALICE);
    Future<Permit> bob = l.acquire("b", BOB);

    assertTrue(bob.succeeded(), "another caller's budget is untouched");
    assertAdmittedAfter(1000, alice, "admitted once Retry-After has passed");
    assertFalse(l.throttled());
  }

  @Test
  void should_spread_only_the_low_callers_calls_when_RateLimit_Remaining_is_low() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));
    l.observe(ALICE, reply(200, Map.of("ratelimit-limit", "2000", "ratelimit-remaining", "0",
        "ratelimit-reset", String.valueOf(epochSeconds() + 5))));

    Future<Permit> alice = l.acquire("a", ALICE);
    List<Future<Permit>> bob = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bob.add(l.acquire("b" + i, BOB));
    }

    bob.forEach(b -> assertTrue(b.succeeded()));
    assertEquals(1, l.throttledCredentials());
    assertAdmittedAfter(5000, alice, "admitted at RateLimit-Reset");
  }

  @Test
  void should_keep_the_instance_bucket_for_every_caller_while_one_is_paused() {
    InstanceLimiter l = limiter(limits(1, 1, 10, 10, 10_000));
    l.observe(ALICE, reply(429, Map.of("retry-after", "1")));

    Future<Permit> bob1 = l.acquire("b1", BOB);
    Future<Permit> bob2 = l.acquire("b2", BOB);
    Future<Permit> alice = l.acquire("a", ALICE);

    assertTrue(bob1.succeeded(), "the burst of one");
    clock.advance(999);
    assertFalse(bob2.isComplete(), "one call a second for the whole instance");
    assertFalse(alice.isComplete());
    clock.advance(1);
    assertTrue(bob2.succeeded());
    assertFalse(alice.isComplete(), "Alice's pause is over, but the instance's token went to Bob, who queued first");
    clock.advance(1000);
    assertTrue(alice.succeeded());
  }

  @Test
  void should_not_slow_down_while_the_budget_is_ample_or_already_reset() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));

    l.observe(ALICE, reply(200, Map.of("ratelimit-limit", "2000", "ratelimit-remaining", "1500",
        "ratelimit-reset", String.valueOf(epochSeconds() + 30))));
    l.observe(ALICE, reply(200, Map.of("ratelimit-limit", "2000", "ratelimit-remaining", "3",
        "ratelimit-reset", String.valueOf(epochSeconds() - 5))));

    assertFalse(l.throttled());
    assertTrue(l.acquire("a", ALICE).succeeded());
  }

  @Test
  void should_count_low_remaining_without_a_limit_below_ten() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));

    l.observe(ALICE, reply(200, Map.of("ratelimit-remaining", "9")));

    assertTrue(l.throttled());
  }

  @Test
  void should_bound_a_pause_however_far_away_GitLab_says_the_reset_is() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 200));
    l.observe(ALICE, reply(200, Map.of("ratelimit-limit", "2000", "ratelimit-remaining", "0",
        "ratelimit-reset", String.valueOf(epochSeconds() + 3600))));

    Future<Permit> waiting = l.acquire("a", ALICE);
    clock.advance(200);

    Rejected r = rejection(waiting);
    assertEquals(Reason.QUEUE_TIMEOUT, r.reason);
    assertEquals(InstanceLimiter.MAX_THROTTLE_MS / 1000, r.retryAfterSeconds,
        "a pause lasts at most " + InstanceLimiter.MAX_THROTTLE_MS + " ms");
    clock.advance(InstanceLimiter.MAX_THROTTLE_MS);
    assertFalse(l.throttled());
    assertTrue(l.acquire("b", ALICE).succeeded());
  }

  @Test
  void should_hint_the_callers_own_pause_when_its_queue_is_full() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 1, 10_000));
    l.observe(ALICE, reply(429, Map.of("retry-after", "30")));
    l.acquire("a1", ALICE);

    Rejected r = rejection(l.acquire("a2", ALICE));

    assertEquals(Reason.QUEUE_FULL, r.reason);
    assertEquals(30, r.retryAfterSeconds);
  }

  @Test
  void should_forget_a_callers_pause_once_it_is_over() {
    InstanceLimiter l = limiter(limits(100, 100, 10, 10, 10_000));
    l.observe(ALICE, reply(429, Map.of("retry-after", "1")));
    assertEquals(1, l.trackedCredentials());

    clock.advance(1000);
    l.acquire("b", BOB);

    assertEquals(0, l.trackedCredentials());
  }

  @Test
  void should_track_a_bounded_number_of_paused_callers_and_let_the_oldest_go_first() {
    InstanceLimiter l = limiter(limits(100_000, 100_000, 10, 10, 120_000));
    l.observe("first", reply(429, Map.of("retry-after", "60")));
    Future<Permit> waiting = l.acquire("f", "first");
    assertFalse(waiting.isComplete());

    for (int i = 0; i < CredentialPaces.MAX_ENTRIES; i++) {
      l.slow("caller-" + i, 0, 60_000);
    }

    assertEquals(CredentialPaces.MAX_ENTRIES, l.trackedCredentials());
    assertTrue(waiting.succeeded(), "the least recently paused caller was dropped and its call went on");
  }

  @Test
  void should_refuse_queued_and_new_calls_once_closed() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 10, 5000));
    l.acquire("a", ALICE);
    Future<Permit> waiting = l.acquire("b", ALICE);
    l.slow(BOB, 0, 10_000);
    Future<Permit> paused = l.acquire("c", BOB);

    l.close();

    assertEquals(Reason.CLOSED, rejection(waiting).reason);
    assertEquals(Reason.CLOSED, rejection(paused).reason);
    assertEquals(Reason.CLOSED, rejection(l.acquire("d", ALICE)).reason);
    assertEquals(0, clock.pending(), "no timer left behind");
  }

  @Test
  void should_cancel_only_a_waiting_call() {
    InstanceLimiter l = limiter(limits(1000, 1000, 1, 10, 5000));
    l.acquire("a", ALICE);
    Future<Permit> waiting = l.acquire("b", ALICE);
    l.slow(BOB, 0, 10_000);
    Future<Permit> paused = l.acquire("c", BOB);

    assertFalse(l.cancel("a"), "an admitted call is the client's to cancel");
    assertTrue(l.cancel("b"));
    assertTrue(l.cancel("c"));

    assertEquals(Reason.CANCELLED, rejection(waiting).reason);
    assertEquals(Reason.CANCELLED, rejection(paused).reason);
    assertEquals(0, l.queued());
  }
}
