package dev.gitlabmcp.gateway.mcp;

/**
 * A fixed one-minute window counter: cheap, exact enough for "N requests per minute", and it
 * yields the RateLimit-Limit / -Remaining / -Reset values clients are told. Thread-safe.
 */
public final class WindowLimiter {

  static final long WINDOW_MS = 60_000;

  /** The decision and the header values that go with it. */
  public record Decision(boolean allowed, int limit, int remaining, long resetSeconds) {
  }

  private long windowStart;
  private int count;

  public synchronized Decision acquire(int limit, long nowMillis) {
    if (nowMillis - windowStart >= WINDOW_MS) {
      windowStart = nowMillis;
      count = 0;
    }
    long reset = Math.max(1, (windowStart + WINDOW_MS - nowMillis + 999) / 1000);
    if (count >= limit) {
      return new Decision(false, limit, 0, reset);
    }
    count++;
    return new Decision(true, limit, limit - count, reset);
  }

  /** Whether the window this limiter counts in is over: then it can be dropped. */
  public synchronized boolean stale(long nowMillis) {
    return nowMillis - windowStart >= WINDOW_MS;
  }
}
