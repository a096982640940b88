package dev.gitlabmcp.gateway.gitlab;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * How one GitLab instance has been doing, from its most recent outcomes (real calls and background
 * probes alike): down after {@link #DOWN_AFTER} unreachable outcomes in a row, degraded while at
 * least {@link #DEGRADED_RATIO} of the recent window failed (unreachable, timed out or 5xx),
 * healthy otherwise. Outcomes older than {@link #MAX_AGE_MS} no longer count, so an instance
 * recovers even when only the probe talks to it.
 *
 * <p>Confined to the registry's event loop; {@link #status()} may be read from elsewhere (gauges).
 */
final class InstanceHealth {

  /** Health as operators see it; {@link #gauge} is what the metric reports. */
  enum Status {
    HEALTHY(1.0), DEGRADED(0.5), DOWN(0.0);

    final double gauge;

    Status(double gauge) {
      this.gauge = gauge;
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What one call or probe says about the instance. */
  enum Outcome {
    /** Any HTTP answer below 500: GitLab is there and working. */
    OK,
    /** A 5xx answer: reachable, but in trouble. */
    SERVER_ERROR,
    /** Connection refused, reset, TLS failure or timeout. */
    UNREACHABLE;

    /** How a reply counts, or null when it says nothing about GitLab (cancelled, refused by the limiter). */
    static Outcome of(GitLabReply reply) {
      if (reply.failure() == null) {
        return reply.status() >= 500 ? SERVER_ERROR : OK;
      }
      return switch (reply.failure()) {
        case CONNECTION, TIMEOUT -> UNREACHABLE;
        case TOO_LARGE -> OK;
        default -> null;
      };
    }
  }

  static final int WINDOW = 20;
  static final int DOWN_AFTER = 3;
  static final double DEGRADED_RATIO = 0.25;
  static final int DEGRADED_MIN_FAILURES = 2;
  static final long MAX_AGE_MS = 5 * 60_000;

  private record Sample(Outcome outcome, long atMillis) {
  }

  private final LongSupplier epochMillis;
  private final ArrayDeque<Sample> window = new ArrayDeque<>();
  private int unreachableInARow;
  private volatile Status status = Status.HEALTHY;
  private String lastError;

  InstanceHealth() {
    this(System::currentTimeMillis);
  }

  /** @param epochMillis the clock outcomes are dated by (tests drive it) */
  InstanceHealth(LongSupplier epochMillis) {
    this.epochMillis = epochMillis;
  }

  void record(Outcome outcome, String error) {
    record(outcome, error, epochMillis.getAsLong());
  }

  /** Re-evaluates at the clock's current time. */
  Status evaluate() {
    return evaluate(epochMillis.getAsLong());
  }

  void record(Outcome outcome, String error, long nowMillis) {
    if (outcome == null) {
      return;
    }
    window.addLast(new Sample(outcome, nowMillis));
    while (window.size() > WINDOW) {
      window.removeFirst();
    }
    unreachableInARow = outcome == Outcome.UNREACHABLE ? unreachableInARow + 1 : 0;
    if (outcome != Outcome.OK && error != null) {
      lastError = error;
    }
    evaluate(nowMillis);
  }

  /** Re-evaluates with time passing (old outcomes expire); returns the status. */
  Status evaluate(long nowMillis) {
    while (!window.isEmpty() && nowMillis - window.peekFirst().atMillis() > MAX_AGE_MS) {
      window.removeFirst();
    }
    if (window.isEmpty()) {
      unreachableInARow = 0;
    }
    int failures = 0;
    for (Sample s : window) {
      if (s.outcome() != Outcome.OK) {
        failures++;
      }
    }
    if (unreachableInARow >= DOWN_AFTER) {
      status = Status.DOWN;
    } else if (failures >= DEGRADED_MIN_FAILURES && failures >= DEGRADED_RATIO * window.size()) {
      status = Status.DEGRADED;
    } else {
      status = Status.HEALTHY;
    }
    return status;
  }

  Status status() {
    return status;
  }

  /** A short description of the last failure, never containing secrets; null if none yet. */
  String lastError() {
    return lastError;
  }
}
