package dev.gitlabmcp.gateway.gitlab;

/**
 * The bytes of GitLab answers one instance may hold in memory at once (rateLimit.maxResponseBytesInFlight):
 * each body is charged as its chunks arrive and released when the registry hands the answer over (or
 * drops it for a retry). Without it, maxConcurrent calls of maxResponseBytes each could all be
 * buffered at the same time.
 *
 * <p>Confined to the registry's event loop; {@link #used()} may be read from elsewhere (status).
 */
final class ResponseBudget {

  /** No limit: a client used on its own (CLI, tests). */
  static ResponseBudget unlimited() {
    return new ResponseBudget(Long.MAX_VALUE);
  }

  private long limit;
  private volatile long used;

  ResponseBudget(long limit) {
    this.limit = limit;
  }

  /**
   * Takes n more bytes for a call that holds {@code held} already; false (and nothing taken) when they
   * do not fit. The only call holding bytes always fits, so a budget below maxResponseBytes slows the
   * instance down rather than refusing its large answers for good.
   */
  boolean charge(long n, long held) {
    if (n > limit - used && used > held) {
      return false;
    }
    used += n;
    return true;
  }

  void release(long n) {
    used = Math.max(0, used - n);
  }

  /** A new limit for new charges; what is held stays until released. */
  void limit(long next) {
    limit = next;
  }

  long limit() {
    return limit;
  }

  long used() {
    return used;
  }
}
