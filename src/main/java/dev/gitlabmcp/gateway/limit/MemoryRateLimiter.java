package dev.gitlabmcp.gateway.limit;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@link RateLimiter} for one process. The number of keys is capped: when the map is full (address
 * churn, a flood of session ids), new keys share one overflow window instead of growing the map, so
 * memory stays bounded and a flood still meets a limit. Stale windows are dropped by {@link #sweep},
 * which runs on a timer, never per request.
 */
public final class MemoryRateLimiter implements RateLimiter {

  public static final int DEFAULT_MAX_KEYS = 100_000;
  static final String OVERFLOW = "\0overflow";

  private final ConcurrentHashMap<String, WindowLimiter> windows = new ConcurrentHashMap<>();
  private final int maxKeys;
  private final LongSupplier clock;
  private final AtomicLong overflowed = new AtomicLong();

  public MemoryRateLimiter() {
    this(DEFAULT_MAX_KEYS, System::currentTimeMillis);
  }

  /**
   * @param clock milliseconds; tests pass their own
   */
  public MemoryRateLimiter(int maxKeys, LongSupplier clock) {
    this.maxKeys = maxKeys;
    this.clock = clock;
  }

  @Override
  public Future<Decision> acquire(String key, int limit, int cost) {
    return Future.succeededFuture(acquireNow(key, limit, cost));
  }

  /** The same decision without a future, for callers on the hot path. */
  public Decision acquireNow(String key, int limit, int cost) {
    WindowLimiter w = windows.get(key);
    if (w == null) {
      if (windows.size() >= maxKeys) {
        overflowed.incrementAndGet();
        w = windows.computeIfAbsent(OVERFLOW, k -> new WindowLimiter());
      } else {
        w = windows.computeIfAbsent(key, k -> new WindowLimiter());
      }
    }
    return w.acquire(limit, cost, clock.getAsLong());
  }

  @Override
  public void sweep() {
    long now = clock.getAsLong();
    windows.values().removeIf(w -> w.stale(now));
  }

  /** Keys counted in the shared overflow window because the map was full. */
  public long overflowed() {
    return overflowed.get();
  }

  public int size() {
    return windows.size();
  }
}
