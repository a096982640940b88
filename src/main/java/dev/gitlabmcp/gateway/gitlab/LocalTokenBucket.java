package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.RateLimitConfig;

/** {@link TokenBucket} in this process's memory: refilled lazily from the time of the last take. */
final class LocalTokenBucket implements TokenBucket {

  /** The fraction of a token kept above the burst while calls wait (see {@link #tryTake}). */
  private static final double CARRY = 0.999;

  private double rate;
  private int burst;
  private double tokens;
  private long lastNanos;

  LocalTokenBucket(RateLimitConfig config, long nowNanos) {
    this.rate = config.requestsPerSecond();
    this.burst = config.burst();
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  @Override
  public boolean tryTake(long nowNanos, boolean callsWaiting) {
    // While calls wait, a timer firing late must not cost them: keep the fraction of a token the
    // cap would cut off (never a whole one, so never more than the burst at once).
    tokens = at(nowNanos, burst + (callsWaiting ? CARRY : 0));
    lastNanos = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  @Override
  public long nanosUntilNext(long nowNanos) {
    return (long) (Math.max(0, 1 - at(nowNanos, burst + CARRY)) / rate * 1e9);
  }

  @Override
  public double tokens(long nowNanos) {
    return at(nowNanos, burst);
  }

  @Override
  public void reconfigure(RateLimitConfig next, long nowNanos) {
    tokens = Math.min(at(nowNanos, burst), next.burst());
    lastNanos = nowNanos;
    rate = next.requestsPerSecond();
    burst = next.burst();
  }

  private double at(long nowNanos, double cap) {
    return Math.min(cap, tokens + Math.max(0, nowNanos - lastNanos) / 1e9 * rate);
  }
}
