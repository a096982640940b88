package dev.gitlabmcp.gateway.config;

/**
 * How hard the gateway may drive one GitLab instance, for all its users together.
 *
 * @param requestsPerSecond token-bucket refill rate
 * @param burst bucket size: requests that may start at once after a quiet spell (at least requestsPerSecond)
 * @param maxConcurrent requests in flight at once
 * @param queueSize requests that may wait for a token or a slot; one more is refused at once
 * @param queueTimeoutMs longest wait in the queue before the call is refused as busy
 * @param maxResponseBytesInFlight bytes of GitLab answers held in memory at once for this instance; a
 *     call whose answer would go beyond is refused as busy
 */
public record RateLimitConfig(double requestsPerSecond, int burst, int maxConcurrent, int queueSize,
                              int queueTimeoutMs, long maxResponseBytesInFlight) {

  /** 64 MiB: eight answers of the largest default size (gitlab.maxResponseBytes) at once. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES_IN_FLIGHT = 64L * 1024 * 1024;

  /**
   * Room for a whole team by default (gitlab.com allows each user about 33 requests a second); operators
   * lower it for a small self-managed instance. The queue absorbs bursts instead of failing them.
   */
  public static final RateLimitConfig DEFAULT = new RateLimitConfig(200, 400, 128, 1024, 10_000);

  public RateLimitConfig {
    if (maxResponseBytesInFlight <= 0) {
      throw new IllegalArgumentException("maxResponseBytesInFlight must be positive");
    }
  }

  /** Limits with the default in-flight response budget. */
  public RateLimitConfig(double requestsPerSecond, int burst, int maxConcurrent, int queueSize, int queueTimeoutMs) {
    this(requestsPerSecond, burst, maxConcurrent, queueSize, queueTimeoutMs, DEFAULT_MAX_RESPONSE_BYTES_IN_FLIGHT);
  }
}
