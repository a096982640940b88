package dev.gitlabmcp.gateway.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something asynchronous to happen, with a deadline only: never a claim about how fast. */
public final class Poll {

  /** Long enough for a busy shared machine; reached only when the awaited thing never happens. */
  public static final Duration DEADLINE = Duration.ofSeconds(30);

  private Poll() {
  }

  public static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("within " + DEADLINE.toSeconds() + " s: expected " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
