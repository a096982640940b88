package dev.gitlabmcp.gateway.ops.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * Log lines the process did not write because the log output could not keep up (see
 * {@link NonBlockingAppender}): a monotonic counter for the metrics, JVM-wide like the log output.
 */
public final class DroppedLogs {

  private static final LongAdder DROPPED = new LongAdder();

  private DroppedLogs() {
  }

  /** Lines dropped since the process started. */
  public static long count() {
    return DROPPED.sum();
  }

  static void add(long lines) {
    DROPPED.add(lines);
  }
}
