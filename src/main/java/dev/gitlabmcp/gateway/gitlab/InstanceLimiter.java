package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.gitlab.CredentialPaces.Pace;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Admission control for one GitLab instance, in two stages.
 *
 * <ol>
 *   <li>GitLab's own budget, per credential ({@link CredentialPaces}): when an answer to a caller says
 *   RateLimit-Remaining is low, what is left is spread evenly over that caller's calls until
 *   RateLimit-Reset; at zero (or on a 429) that caller's calls wait until then. Other callers are not
 *   slowed: GitLab counts its limits per user. A slow-down lasts at most {@link #MAX_THROTTLE_MS}, so a
 *   wrong clock or header cannot stall anyone for longer.</li>
 *   <li>The operator's limit for the whole instance: a token bucket (requestsPerSecond, burst) and a
 *   concurrency limit (maxConcurrent), with a FIFO queue. A call needs a token and a slot; it keeps the
 *   slot until it releases its {@link Permit}.</li>
 * </ol>
 *
 * <p>Calls waiting in either stage count against queueSize and give up after queueTimeoutMs.
 *
 * <p>Confined to the registry's event loop: plain fields, no locks. Gauges read them from the scrape
 * thread without synchronization; a value a moment old is fine for a gauge. Time comes from the
 * {@link Ticker}, so tests drive it.
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

    /** How long the call waited (0 when admitted at once). */
    long waitedNanos() {
      return waitedNanos;
    }

    void release() {
      if (released) {
        return;
      }
      released = true;
      active--;
      double heldMs = (ticker.nanoTime() - admittedNanos) / 1e6;
      avgHoldMs = avgHoldMs == 0 ? heldMs : 0.8 * avgHoldMs + 0.2 * heldMs;
      drain();
    }
  }

  /** A waiting call: parked in its credential's {@link Pace}, or in the instance queue (pace null). */
  static final class Waiter {
    final String callId;
    final long enqueuedNanos;
    final Promise<Permit> promise = Promise.promise();
    long timeoutTimer = -1;
    Pace pace;

    Waiter(String callId, long enqueuedNanos) {
      this.callId = callId;
      this.enqueuedNanos = enqueuedNanos;
    }
  }

  private final Ticker ticker;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final CredentialPaces paces = new CredentialPaces(this::evicted);
  private final TokenBucket bucket;
  private RateLimitConfig config;
  private int active;
  /** Calls parked in credential paces. */
  private int parked;
  private long wakeTimer = -1;
  private long rejectedQueueFull;
  private long rejectedQueueTimeout;
  private double avgHoldMs;
  private boolean closed;

  InstanceLimiter(Ticker ticker, RateLimitConfig config) {
    this(ticker, config, TokenBucket.local(config, ticker.nanoTime()));
  }

  /** @param bucket the instance's request rate (in memory, or shared by replicas) */
  InstanceLimiter(Ticker ticker, RateLimitConfig config, TokenBucket bucket) {
    this.ticker = ticker;
    this.config = config;
    this.bucket = bucket;
  }

  /**
   * Admits the call now, or queues it until its credential may go on and a token and a slot are free.
   * Fails with {@link Rejected}: at once when the queue is full, after queueTimeoutMs when the wait is
   * too long, at once on {@link #cancel} or {@link #close}.
   *
   * @param credentialKey whose GitLab budget the call spends ({@link Credential#fingerprint()})
   */
  Future<Permit> acquire(String callId, String credentialKey) {
    if (closed) {
      return Future.failedFuture(new Rejected(Reason.CLOSED, 0));
    }
    long now = ticker.nanoTime();
    Pace pace = paces.find(credentialKey, now);
    boolean mustPark = pace != null && (!pace.parked.isEmpty() || !pace.canGo(now));
    if (!mustPark && queue.isEmpty() && active < config.maxConcurrent() && bucket.tryTake(now, false)) {
      if (pace != null) {
        pace.went(now);
      }
      return Future.succeededFuture(admit(now, now));
    }
    if (waiting() >= config.queueSize()) {
      rejectedQueueFull++;
      return Future.failedFuture(new Rejected(Reason.QUEUE_FULL, retryAfterSeconds(pace, now)));
    }
    Waiter w = new Waiter(callId, now);
    w.timeoutTimer = ticker.setTimer(Math.max(1, config.queueTimeoutMs()), () -> timedOut(w));
    if (mustPark) {
      w.pace = pace;
      pace.parked.addLast(w);
      parked++;
      scheduleRelease(pace);
    } else {
      if (pace != null) {
        pace.went(now);
      }
      queue.addLast(w);
      drain();
    }
    return w.promise.future();
  }

  /** Takes a waiting call out; true if it was waiting here (it then fails as CANCELLED). */
  boolean cancel(String callId) {
    if (callId == null) {
      return false;
    }
    Waiter w = find(callId);
    if (w == null) {
      return false;
    }
    unlink(w);
    w.promise.fail(new Rejected(Reason.CANCELLED, 0));
    drain(); // the head may have changed
    return true;
  }

  /** New limits for new admissions; the tokens saved up so far stay, within the new burst. */
  void reconfigure(RateLimitConfig next) {
    bucket.reconfigure(next, ticker.nanoTime());
    config = next;
    drain();
  }

  /** Refuses every waiting and future call (the instance was removed); admitted calls finish normally. */
  void close() {
    closed = true;
    cancelWake();
    List<Waiter> waiting = new ArrayList<>(queue);
    queue.clear();
    for (Pace p : paces.all()) {
      ticker.cancelTimer(p.wakeTimer);
      waiting.addAll(p.parked);
      p.parked.clear();
    }
    paces.clear();
    parked = 0;
    for (Waiter w : waiting) {
      ticker.cancelTimer(w.timeoutTimer);
      w.promise.fail(new Rejected(Reason.CLOSED, 0));
    }
  }

  /**
   * Learns from a GitLab answer to this credential: a 429 holds its calls for Retry-After (or until
   * RateLimit-Reset); a low RateLimit-Remaining spreads what is left evenly until RateLimit-Reset.
   */
  void observe(String credentialKey, GitLabReply reply) {
    if (reply.failure() != null || closed) {
      return;
    }
    long nowMs = ticker.epochMillis();
    Long reset = number(reply.header("ratelimit-reset"));
    long untilResetMs = reset == null ? -1 : reset * 1000 - nowMs;
    if (reply.status() == 429) {
      Long retryAfter = number(reply.header("retry-after"));
      long pauseMs = retryAfter != null ? retryAfter * 1000 : untilResetMs > 0 ? untilResetMs : SHORT_PAUSE_MS;
      slow(credentialKey, 0, pauseMs);
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
    slow(credentialKey, Math.max(0, remaining), reset == null ? SHORT_PAUSE_MS : untilResetMs);
  }

  /**
   * For windowMs (at most {@link #MAX_THROTTLE_MS}) lets no more than {@code remaining} of this
   * credential's calls through, evenly spaced; with nothing remaining, none until the window ends.
   */
  void slow(String credentialKey, long remaining, long windowMs) {
    if (closed) {
      return;
    }
    Pace p = paces.slow(credentialKey, remaining, windowMs, ticker.nanoTime());
    scheduleRelease(p);
  }

  int active() {
    return active;
  }

  /** Calls waiting, for their credential or for the instance. */
  int queued() {
    return waiting();
  }

  long rejectedQueueFull() {
    return rejectedQueueFull;
  }

  long rejectedQueueTimeout() {
    return rejectedQueueTimeout;
  }

  double tokens() {
    return bucket.tokens(ticker.nanoTime());
  }

  /** Credentials GitLab's answers slow down right now. */
  int throttledCredentials() {
    return paces.slowed(ticker.nanoTime());
  }

  /** True while GitLab's answers slow down at least one credential on this instance. */
  boolean throttled() {
    return throttledCredentials() > 0;
  }

  /** Credentials the limiter keeps a slow-down for (bounded by {@link CredentialPaces#MAX_ENTRIES}). */
  int trackedCredentials() {
    return paces.size();
  }

  RateLimitConfig config() {
    return config;
  }

  // ---- internals

  private int waiting() {
    return queue.size() + parked;
  }

  /** Counts an admission whose token was taken. */
  private Permit admit(long enqueuedNanos, long now) {
    active++;
    return new Permit(now, now - enqueuedNanos);
  }

  /** Admits queued calls while a token and a slot are free, then sleeps until the next token. */
  private void drain() {
    cancelWake();
    if (closed) {
      return;
    }
    long now = ticker.nanoTime();
    List<Waiter> admitted = new ArrayList<>();
    List<Permit> permits = new ArrayList<>();
    while (!queue.isEmpty() && active < config.maxConcurrent() && bucket.tryTake(now, true)) {
      Waiter w = queue.pollFirst();
      ticker.cancelTimer(w.timeoutTimer);
      admitted.add(w);
      permits.add(admit(w.enqueuedNanos, now));
    }
    if (!queue.isEmpty() && active < config.maxConcurrent()) {
      long delayMs = Math.max(1, (long) Math.ceil(bucket.nanosUntilNext(now) / 1e6));
      wakeTimer = ticker.setTimer(delayMs, () -> {
        wakeTimer = -1;
        drain();
      });
    }
    // Completed last: a listener may release or acquire at once, re-entering with consistent state.
    for (int i = 0; i < admitted.size(); i++) {
      admitted.get(i).promise.complete(permits.get(i));
    }
  }

  /** Moves the credential's parked calls on to the instance queue as its pace allows, then sleeps. */
  private void releaseParked(Pace p) {
    p.wakeTimer = -1;
    long now = ticker.nanoTime();
    while (!p.parked.isEmpty() && p.canGo(now)) {
      p.went(now);
      Waiter w = p.parked.pollFirst();
      w.pace = null;
      parked--;
      queue.addLast(w);
    }
    scheduleRelease(p);
    paces.forgetIfIdle(p, now);
    drain();
  }

  private void scheduleRelease(Pace p) {
    if (p.wakeTimer >= 0) {
      ticker.cancelTimer(p.wakeTimer);
      p.wakeTimer = -1;
    }
    if (!p.parked.isEmpty()) {
      long delayMs = Math.max(1, (long) Math.ceil(p.nanosUntilNext(ticker.nanoTime()) / 1e6));
      p.wakeTimer = ticker.setTimer(delayMs, () -> releaseParked(p));
    }
  }

  /** Too many credentials slowed at once: the least recently slowed one's calls go on (fail open). */
  private void evicted(Pace p) {
    ticker.cancelTimer(p.wakeTimer);
    p.wakeTimer = -1;
    for (Waiter w : p.parked) {
      w.pace = null;
      parked--;
      queue.addLast(w);
    }
    p.parked.clear();
    drain();
  }

  private void cancelWake() {
    if (wakeTimer >= 0) {
      ticker.cancelTimer(wakeTimer);
      wakeTimer = -1;
    }
  }

  private void timedOut(Waiter w) {
    Pace pace = w.pace;
    int place = pace == null ? 0 : indexOf(pace.parked, w) + 1;
    if (!unlink(w)) {
      return;
    }
    rejectedQueueTimeout++;
    long now = ticker.nanoTime();
    int hint = pace == null ? retryAfterSeconds(null, now)
        : Math.max(retryAfterSeconds(null, now), hintSeconds(pace.secondsUntil(place, now)));
    w.promise.fail(new Rejected(Reason.QUEUE_TIMEOUT, hint));
    drain();
  }

  /** Takes the waiter out of where it waits; false when it no longer waits. */
  private boolean unlink(Waiter w) {
    ticker.cancelTimer(w.timeoutTimer);
    if (w.pace != null) {
      Pace p = w.pace;
      w.pace = null;
      if (!p.parked.remove(w)) {
        return false;
      }
      parked--;
      if (p.parked.isEmpty()) {
        scheduleRelease(p);
        paces.forgetIfIdle(p, ticker.nanoTime());
      }
      return true;
    }
    return queue.remove(w);
  }

  private Waiter find(String callId) {
    for (Waiter w : queue) {
      if (callId.equals(w.callId)) {
        return w;
      }
    }
    if (parked == 0) {
      return null;
    }
    for (Pace p : paces.all()) {
      for (Waiter w : p.parked) {
        if (callId.equals(w.callId)) {
          return w;
        }
      }
    }
    return null;
  }

  private static int indexOf(ArrayDeque<Waiter> deque, Waiter w) {
    int i = 0;
    for (Iterator<Waiter> it = deque.iterator(); it.hasNext(); i++) {
      if (it.next() == w) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A fair guess at when a new call would get through: after its credential's slow-down lets it go
   * (when it has one), and after the instance queue ahead of it drains.
   */
  private int retryAfterSeconds(Pace pace, long now) {
    int position = queue.size() + 1;
    double tokenWaitS = Math.max(0, position - bucket.tokens(now)) / config.requestsPerSecond();
    // Each round of maxConcurrent calls holds the slots for about the average call duration
    // (a second until one has been measured).
    double holdS = avgHoldMs > 0 ? avgHoldMs / 1000 : 1;
    double slotWaitS = active >= config.maxConcurrent()
        ? Math.ceil((double) position / config.maxConcurrent()) * holdS : 0;
    double paceS = pace == null ? 0 : pace.secondsUntil(pace.parked.size() + 1, now);
    return hintSeconds(Math.max(paceS, Math.max(tokenWaitS, slotWaitS)));
  }

  private static int hintSeconds(double seconds) {
    return (int) Math.min(MAX_RETRY_HINT_SECONDS, Math.max(1, Math.ceil(seconds)));
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
