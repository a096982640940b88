package dev.gitlabmcp.gateway.limit;

import io.vertx.core.Future;

/**
 * Counts requests per key in one-minute windows: the per-session window (MAX_REQUESTS_PER_MINUTE) and
 * the per-address budget for requests without a valid token. In memory per process today; a shared
 * implementation (Redis) makes the same limits cluster-wide.
 *
 * <p>Failure policy: an implementation that cannot reach its backing store answers "allowed" (fail open)
 * and counts it, so a store outage never locks every user out.
 */
public interface RateLimiter {

  /** The decision and the RateLimit-* header values that go with it. */
  record Decision(boolean allowed, int limit, int remaining, long resetSeconds) {
  }

  /**
   * Takes {@code cost} units from the key's window of {@code limit} per minute.
   *
   * @param key what is limited, already namespaced by the caller ("s:" + session, "a:" + address)
   */
  Future<Decision> acquire(String key, int limit, int cost);

  /** Drops windows that are over; called periodically, never on the request path. */
  void sweep();
}
