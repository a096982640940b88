package dev.gitlabmcp.gateway.config;

/**
 * How hard the gateway may drive one GitLab instance, for all its users together.
 *
 * @param requestsPerSecond token-bucket refill rate
 * @param burst bucket size: requests that may start at once after a quiet spell (at least requestsPerSecond)
 * @param maxConcurrent requests in flight at once
 * @param queueSize requests that may wait for a token or a slot; one more is refused at once
 * @param queueTimeoutMs longest wait in the queue before the call is refused as busy
 */
public record RateLimitConfig(double requestsPerSecond, int burst, int maxConcurrent, int queueSize,
                              int queueTimeoutMs) {

  /** Generous for one gateway in front of a self-managed instance; gitlab.com allows 2,000 per user per minute. */
  public static final RateLimitConfig DEFAULT = new RateLimitConfig(50, 100, 64, 512, 10_000);
}
