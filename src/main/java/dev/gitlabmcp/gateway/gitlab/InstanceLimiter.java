package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.RateLimitConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Admission control for one GitLab instance: a token bucket (requestsPerSecond, burst) and a
 * concurrency limit (maxConcurrent), with a bounded FIFO queue (queueSize) whose waiters give up
 * after queueTimeoutMs. A call needs a token and a slot; it keeps the slot until it releases its
 * {@link Permit}.
 *
 * <p>GitLab's own budget slows it further: when a response says RateLimit-Remaining is low, what is
 * left is spread evenly until RateLimit-Reset; at zero (or on a 429) admissions pause until then.
 * Either lasts at most {@link #MAX_THROTTLE_MS}, so a wrong clock or header cannot stall an instance.
 *
 * <p>Confined to the registry's event loop: plain fields, no locks. Gauges read them from the scrape
 * thread without synchronization; a value a moment old is fine for a gauge.
 */
final class InstanceLimiter {

  /** Longest GitLab-imposed slowdown: GitLab's rate-limit windows are a minute. */
  static final long MAX_THROTTLE_MS = 60_000;
  /** Pause when GitLab says the budget is low or spent but not when it resets. */
  static final long SHORT_PAUSE_MS = 1_000;
  /** Remaining below this share of RateLimit-Limit counts as low. */
  static final double LOW_REMAINING_RATIO = 0.05;
  /** Remaining below this counts as low when GitLab sends no RateLimit-Limit. */
  static final long LOW_REMAINING_WITHOUT_LIMIT = 10;
  /** The fraction of a token kept above the burst while calls wait (see {@link #refill}). */
  private static final double CARRY = 0.999;
  /** Never promise a retry further out than this. */
  static final int MAX_RETRY_HINT_SECONDS = 3600;

  /** Why a call was not admitted. */
  enum Reason { QUEUE_FULL, QUEUE_TIMEOUT, CANCELLED, CLOSED }

  /** The failure of {@link #acquire}: why, and when trying again would likely succeed. */
  static final class Rejected extends RuntimeException {
    final Reason reason;
    final int retryAfterSeconds;

    Rejected(Reason reason, int retryAfterSeconds) {
      super(reason.name(), null, false, false);
      this.reason = reason;
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  /** An admitted call's slot. Release it once the GitLab call is over; a second release is ignored. */
  final class Permit {
    private final long admittedNanos;
    private final long waitedNanos;
    private boolean released;

    private Permit(long admittedNanos, long waitedNanos) {
      this.admittedNanos = admittedNanos;
      this.waitedNanos = waitedNanos;
    }

    /** How long the call waited in the queue (0 when admitted at once). */
    long waitedNanos() {
      return waitedNanos;
    }

    void release() {
      if (released) {
        return;
      }
      released = true;
      active--;
      double heldMs = (System.nanoTime() - admittedNanos) / 1e6;
      avgHoldMs = avgHoldMs == 0 ? heldMs : 0.8 * avgHoldMs + 0.2 * heldMs;
      drain();
    }
  }

  private static final class Waiter {
    final String callId;
    final long enqueuedNanos;
    final Promise<Permit> promise = Promise.promise();
    long timeoutTimer = -1;

    Waiter(String callId, long enqueuedNanos) {
      this.callId = callId;
      this.enqueuedNanos = enqueuedNanos;
    }
  }

  private final Vertx vertx;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private RateLimitConfig config;
  private double tokens;
  private long lastRefillNanos;
  private int active;
  /** While nanoTime is before this, tokens refill at throttleRate (0: paused) with no burst. 0: not throttled. */
  private long throttleUntilNanos;
  private double throttleRate;
  private long wakeTimer = -1;
  private long rejectedQueueFull;
  private long rejectedQueueTimeout;
  private double avgHoldMs;
  private boolean closed;

  InstanceLimiter(Vertx vertx, RateLimitConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.tokens = config.burst();
    this.lastRefillNanos = System.nanoTime();
  }

  /**
   * Admits the call now, or queues it until a token and a slot are free. Fails with {@link Rejected}:
   * at once when the queue is full, after queueTimeoutMs when the wait is too long, at once on
   * {@link #cancel} or {@link #close}.
   */
  Future<Permit> acquire(String callId) {
    if (closed) {
      return Future.failedFuture(new Rejected(Reason.CLOSED, 0));
    }
    long now = System.nanoTime();
    refill(now);
    if (queue.isEmpty() && canAdmit()) {
      return Future.succeededFuture(admit(now, now));
    }
    if (queue.size() >= config.queueSize()) {
      rejectedQueueFull++;
      return Future.failedFuture(new Rejected(Reason.QUEUE_FULL, retryAfterSeconds(queue.size() + 1)));
    }
    Waiter w = new Waiter(callId, now);
    w.timeoutTimer = vertx.setTimer(Math.max(1, config.queueTimeoutMs()), t -> timedOut(w));
    queue.addLast(w);
    drain();
    return w.promise.future();
  }

  /** Takes a queued call out of the queue; true if it was waiting there (it then fails as CANCELLED). */
  boolean cancel(String callId) {
    if (callId == null) {
      return false;
    }
    for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (callId.equals(w.callId)) {
        it.remove();
        vertx.cancelTimer(w.timeoutTimer);
        w.promise.fail(new Rejected(Reason.CANCELLED, 0));
        drain(); // the head may have changed
        return true;
      }
    }
    return false;
  }

  /** New limits for new admissions; the tokens saved up so far stay, within the new burst. */
  void reconfigure(RateLimitConfig next) {
    refill(System.nanoTime());
    config = next;
    tokens = Math.min(tokens, next.burst());
    drain();
  }

  /** Refuses every queued and future call (the instance was removed); admitted calls finish normally. */
  void close() {
    closed = true;
    cancelWake();
    List<Waiter> waiting = new ArrayList<>(queue);
    queue.clear();
    for (Waiter w : waiting) {
      vertx.cancelTimer(w.timeoutTimer);
      w.promise.fail(new Rejected(Reason.CLOSED, 0));
    }
  }

  /**
   * Learns from a GitLab response: a 429 pauses admissions for its Retry-After (or until
   * RateLimit-Reset); a low RateLimit-Remaining spreads what is left evenly until RateLimit-Reset.
   */
  void observe(GitLabReply reply) {
    if (reply.failure() != null) {
      return;
    }
    long nowMs = System.currentTimeMillis();
    Long reset = number(reply.header("ratelimit-reset"));
    long untilResetMs = reset == null ? -1 : reset * 1000 - nowMs;
    if (reply.status() == 429) {
      Long retryAfter = number(reply.header("retry-after"));
      long pauseMs = retryAfter != null ? retryAfter * 1000 : untilResetMs > 0 ? untilResetMs : SHORT_PAUSE_MS;
      throttle(0, pauseMs);
      return;
    }
    Long remaining = number(reply.header("ratelimit-remaining"));
    if (remaining == null) {
      return;
    }
    Long limit = number(reply.header("ratelimit-limit"));
    boolean low = limit != null && limit > 0 ? remaining < limit * LOW_REMAINING_RATIO
        : remaining < LOW_REMAINING_WITHOUT_LIMIT;
    if (!low) {
      return;
    }
    if (reset != null && untilResetMs <= 0) {
      return; // GitLab's window has already turned over
    }
    throttle(Math.max(0, remaining), reset == null ? SHORT_PAUSE_MS : untilResetMs);
  }

  /**
   * For windowMs (at most {@link #MAX_THROTTLE_MS}) admits no more than {@code remaining} calls,
   * evenly spaced; with nothing remaining, admits none until the window ends.
   */
  void throttle(long remaining, long windowMs) {
    long window = Math.min(Math.max(windowMs, 1), MAX_THROTTLE_MS);
    long now = System.nanoTime();
    refill(now);
    if (throttleUntilNanos == 0) {
      tokens = Math.min(tokens, 0); // entering the slowdown: the next call waits its share of the window
    }
    throttleRate = remaining / (window / 1000.0);
    throttleUntilNanos = now + window * 1_000_000L;
    drain();
  }

  int active() {
    return active;
  }

  int queued() {
    return queue.size();
  }

  long rejectedQueueFull() {
    return rejectedQueueFull;
  }

  long rejectedQueueTimeout() {
    return rejectedQueueTimeout;
  }

  double tokens() {
    refill(System.nanoTime());
    return Math.min(tokens, config.burst());
  }

  /** True while GitLab's RateLimit headers slow this instance down. */
  boolean throttled() {
    return throttleUntilNanos != 0 && System.nanoTime() < throttleUntilNanos;
  }

  RateLimitConfig config() {
    return config;
  }

  // ---- internals

  private boolean canAdmit() {
    return active < config.maxConcurrent() && tokens >= 1;
  }

  private Permit admit(long enqueuedNanos, long now) {
    tokens -= 1;
    active++;
    return new Permit(now, now - enqueuedNanos);
  }

  /** Admits queued calls while a token and a slot are free, then sleeps until the next token. */
  private void drain() {
    cancelWake();
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    refill(now);
    List<Waiter> admitted = new ArrayList<>();
    List<Permit> permits = new ArrayList<>();
    while (!queue.isEmpty() && canAdmit()) {
      Waiter w = queue.pollFirst();
      vertx.cancelTimer(w.timeoutTimer);
      admitted.add(w);
      permits.add(admit(w.enqueuedNanos, now));
    }
    if (!queue.isEmpty() && active < config.maxConcurrent()) {
      long delayMs = Math.max(1, (long) Math.ceil(nanosUntilNextToken(now) / 1e6));
      wakeTimer = vertx.setTimer(delayMs, t -> {
        wakeTimer = -1;
        drain();
      });
    }
    // Completed last: a listener may release or acquire at once, re-entering with consistent state.
    for (int i = 0; i < admitted.size(); i++) {
      admitted.get(i).promise.complete(permits.get(i));
    }
  }

  private void cancelWake() {
    if (wakeTimer >= 0) {
      vertx.cancelTimer(wakeTimer);
      wakeTimer = -1;
    }
  }

  private void timedOut(Waiter w) {
    if (queue.remove(w)) {
      rejectedQueueTimeout++;
      w.promise.fail(new Rejected(Reason.QUEUE_TIMEOUT, retryAfterSeconds(queue.size() + 1)));
      drain();
    }
  }

  private void refill(long now) {
    long from = lastRefillNanos;
    lastRefillNanos = now;
    // While calls wait, a timer firing late must not cost them: keep the fraction of a token the
    // cap would cut off (never a whole one, so never more than the burst at once).
    double slack = queue.isEmpty() ? 0 : CARRY;
    if (throttleUntilNanos != 0) {
      long throttledEnd = Math.min(now, throttleUntilNanos);
      tokens = Math.min(1 + slack,
          tokens + (throttledEnd - from) / 1e9 * Math.min(throttleRate, config.requestsPerSecond()));
      if (now < throttleUntilNanos) {
        return;
      }
      from = throttleUntilNanos;
      throttleUntilNanos = 0;
    }
    tokens = Math.min(config.burst() + slack, tokens + (now - from) / 1e9 * config.requestsPerSecond());
  }

  private double effectiveRate() {
    return throttleUntilNanos != 0 ? Math.min(throttleRate, config.requestsPerSecond()) : config.requestsPerSecond();
  }

  private long nanosUntilNextToken(long now) {
    double missing = Math.max(0, 1 - tokens);
    double rate = effectiveRate();
    if (throttleUntilNanos != 0) {
      long untilEnd = throttleUntilNanos - now;
      // Paused, or the throttled rate would take longer than the throttle lasts: wake when it ends.
      return rate <= 0 ? untilEnd : Math.min(untilEnd, (long) (missing / rate * 1e9));
    }
    return (long) (missing / rate * 1e9);
  }

  /** A fair guess at when the call at this queue position would get through. */
  private int retryAfterSeconds(int position) {
    long now = System.nanoTime();
    refill(now);
    double needed = Math.max(0, position - tokens);
    double tokenWaitS;
    if (throttleUntilNanos != 0) {
      double throttleLeftS = (throttleUntilNanos - now) / 1e9;
      double atThrottleRate = throttleRate <= 0 ? Double.POSITIVE_INFINITY : needed / throttleRate;
      tokenWaitS = atThrottleRate <= throttleLeftS ? atThrottleRate
          : throttleLeftS + Math.max(0, needed - throttleRate * throttleLeftS) / config.requestsPerSecond();
    } else {
      tokenWaitS = needed / config.requestsPerSecond();
    }
    // Each round of maxConcurrent calls holds the slots for about the average call duration
    // (a second until one has been measured).
    double holdS = avgHoldMs > 0 ? avgHoldMs / 1000 : 1;
    double slotWaitS = active >= config.maxConcurrent()
        ? Math.ceil((double) position / config.maxConcurrent()) * holdS : 0;
    double s = Math.ceil(Math.max(tokenWaitS, slotWaitS));
    return (int) Math.min(MAX_RETRY_HINT_SECONDS, Math.max(1, s));
  }

  private static Long number(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
