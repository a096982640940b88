package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.RateLimitConfig;

/**
 * The operator's request rate for one instance (requestsPerSecond, burst): the one part of
 * {@link InstanceLimiter} that a cluster-wide implementation replaces. The concurrency limit, the
 * queue and GitLab's per-credential slow-downs stay local to each process.
 *
 * <p>Synchronous, because admission decides on the registry's event loop for every call: a shared
 * implementation (Redis + a Lua script) answers from tokens it leased in small batches and leases
 * more in the background, failing open (counted) when the store is unreachable.
 *
 * <p>Called only on the registry's event loop; {@link #tokens} may be read from elsewhere (status).
 */
interface TokenBucket {

  /**
   * Takes one token if one is there at nowNanos.
   *
   * @param callsWaiting whether calls are queued for it: a timer that fires late must not cost them
   */
  boolean tryTake(long nowNanos, boolean callsWaiting);

  /** Nanoseconds from nowNanos until the next token (0 when one is there). */
  long nanosUntilNext(long nowNanos);

  /** Tokens at nowNanos, for the status view. */
  double tokens(long nowNanos);

  /** New rate and burst for new admissions; tokens saved so far stay, within the new burst. */
  void reconfigure(RateLimitConfig next, long nowNanos);

  /** A bucket in this process's memory, full to begin with. */
  static TokenBucket local(RateLimitConfig config, long nowNanos) {
    return new LocalTokenBucket(config, nowNanos);
  }
}
