package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.limit.WindowLimiter;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster-wide per-minute windows: one atomic Lua script per decision, keyed by the caller's key under
 * the prefix. Failure policy, decided here: when Redis cannot answer, the request is allowed (fail open)
 * and counted in {@link #failedOpen}, so a Redis outage never locks every user out; each replica's own
 * limits (the per-instance bucket) still guard GitLab.
 */
public final class RedisRateLimiter implements RateLimiter {

  private final Redis redis;
  private final String prefix;
  private final RedisScripts script = RedisScripts.load("rate_limit");
  private final AtomicLong failedOpen = new AtomicLong();

  public RedisRateLimiter(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix + "rl:";
  }

  @Override
  public Future<Decision> acquire(String key, int limit, int cost) {
    // The key itself is the hash tag: each window lives on one slot, and windows spread over a cluster.
    return script.run(redis, List.of(prefix + "{" + key + "}"), List.of(Integer.toString(limit),
            Integer.toString(cost), Long.toString(WindowLimiter.WINDOW_MS)))
        .map(r -> decision(r, limit))
        .otherwise(err -> {
          failedOpen.incrementAndGet();
          return new Decision(true, limit, limit, 60);
        });
  }

  /** A window script's answer {allowed 1/0, remaining, ms to reset} as a decision. */
  static Decision decision(Response r, int limit) {
    return decision(r, 0, limit);
  }

  /** The same answer held in {@code r} from index {@code from} on. */
  static Decision decision(Response r, int from, int limit) {
    return new Decision(r.get(from).toInteger() == 1, limit, Math.max(0, r.get(from + 1).toInteger()),
        Math.max(1, (r.get(from + 2).toLong() + 999) / 1000));
  }

  /** Windows expire by their own TTL in Redis. */
  @Override
  public void sweep() {
  }

  /** Decisions allowed because Redis could not answer. */
  public long failedOpen() {
    return failedOpen.get();
  }
}
