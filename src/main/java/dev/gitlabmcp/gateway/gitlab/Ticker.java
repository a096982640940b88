package dev.gitlabmcp.gateway.gitlab;

import io.vertx.core.Vertx;

/**
 * Time and timers as the registry's parts see them: the limiter, the health window and the client's
 * retry waits read the clock and set timers only through this, so tests drive time instead of
 * waiting for it. Timer actions run on the event loop that set them.
 */
interface Ticker {

  /** Monotonic nanoseconds, for intervals. */
  long nanoTime();

  /** Wall-clock milliseconds since the epoch, for GitLab's RateLimit-Reset and health ages. */
  long epochMillis();

  /** Runs the action once after delayMs (at least 1); returns an id for {@link #cancelTimer}. */
  long setTimer(long delayMs, Runnable action);

  void cancelTimer(long id);

  /** The system clock and Vert.x timers. */
  static Ticker of(Vertx vertx) {
    return new Ticker() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public long epochMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public long setTimer(long delayMs, Runnable action) {
        return vertx.setTimer(Math.max(1, delayMs), id -> action.run());
      }

      @Override
      public void cancelTimer(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
