package dev.gitlabmcp.gateway.limit;

/**
 * A fixed one-minute window counter: cheap, exact enough for "N requests per minute", and it
 * yields the RateLimit-Limit / -Remaining / -Reset values clients are told. Thread-safe.
 */
public final class WindowLimiter {

  public static final long WINDOW_MS = 60_000;

  private long windowStart;
  private int count;

  /**
   * Takes {@code cost} units of the window; all or nothing, so a batch that does not fit is refused whole.
   */
  public synchronized RateLimiter.Decision acquire(int limit, int cost, long nowMillis) {
    if (nowMillis - windowStart >= WINDOW_MS) {
      windowStart = nowMillis;
      count = 0;
    }
    long reset = Math.max(1, (windowStart + WINDOW_MS - nowMillis + 999) / 1000);
    if (count + cost > limit) {
      return new RateLimiter.Decision(false, limit, Math.max(0, limit - count), reset);
    }
    count += cost;
    return new RateLimiter.Decision(true, limit, limit - count, reset);
  }

  /** Whether the window this limiter counts in is over: then it can be dropped. */
  public synchronized boolean stale(long nowMillis) {
    return nowMillis - windowStart >= WINDOW_MS;
  }
}
