package dev.gitlabmcp.gateway.gitlab;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Time that moves only when a test says so. Timers fire in due order during {@link #advance}, each on
 * the event loop that set it (waited for before the next), or on the test's thread when set outside
 * one. Readable from any thread.
 */
final class ManualTicker implements Ticker {

  /** An arbitrary wall-clock start (2026-11-14T22:13:20Z), whole seconds like GitLab's RateLimit-Reset. */
  static final long START_EPOCH_MILLIS = 1_795_212_800_000L;

  private record Timer(long id, long dueNanos, Context context, Runnable action) {
  }

  private final List<Timer> timers = new ArrayList<>();
  private volatile long nanos = 1_000_000_000L;
  private long nextId;

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long epochMillis() {
    return START_EPOCH_MILLIS + (nanos - 1_000_000_000L) / 1_000_000L;
  }

  @Override
  public synchronized long setTimer(long delayMs, Runnable action) {
    long id = nextId++;
    timers.add(new Timer(id, nanos + Math.max(1, delayMs) * 1_000_000L, Vertx.currentContext(), action));
    return id;
  }

  @Override
  public synchronized void cancelTimer(long id) {
    timers.removeIf(t -> t.id() == id);
  }

  /** Moves time forward by ms, firing every timer that falls due on the way (also those set meanwhile). */
  void advance(long ms) {
    long target = nanos + ms * 1_000_000L;
    Timer next;
    while ((next = nextDue(target)) != null) {
      nanos = Math.max(nanos, next.dueNanos());
      run(next);
    }
    nanos = target;
  }

  /** Timers not yet fired. */
  synchronized int pending() {
    return timers.size();
  }

  private synchronized Timer nextDue(long target) {
    Timer first = timers.stream().filter(t -> t.dueNanos() <= target)
        .min(Comparator.comparingLong(Timer::dueNanos).thenComparingLong(Timer::id)).orElse(null);
    if (first != null) {
      timers.remove(first);
    }
    return first;
  }

  private static void run(Timer t) {
    if (t.context() == null || t.context() == Vertx.currentContext()) {
      t.action().run();
      return;
    }
    Promise<Void> done = Promise.promise();
    t.context().runOnContext(v -> {
      try {
        t.action().run();
        done.complete();
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    done.future().await();
  }
}
