package dev.gitlabmcp.gateway.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for something a test cannot be told about directly, up to a deadline. */
final class Poll {

  private Poll() {
  }

  /** Returns the first value the probe offers that passes, or fails with what was last seen. */
  static <T> T until(Supplier<T> probe, java.util.function.Predicate<T> done, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        fail("within " + within.toMillis() + " ms: expected " + what + ", last seen: " + last);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
      last = probe.get();
    }
    return last;
  }

  static void until(Supplier<Boolean> condition, Duration within, String what) {
    until(condition, Boolean.TRUE::equals, within, what);
  }
}
