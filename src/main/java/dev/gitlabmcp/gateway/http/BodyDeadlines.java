package dev.gitlabmcp.gateway.http;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The deadlines of request bodies still arriving, for one event loop (not thread-safe: one per verticle). A
 * request joins when its headers are accepted and leaves when its body is complete; {@link #sweep()} (run every
 * quarter of the timeout) hands every request still waiting past its deadline to the timeout action.
 *
 * <p>Instead of a Vert.x timer per request (set and cancelled on every POST, about 1 % of a tool call's CPU): one
 * list in arrival order, so deadlines are ordered too, and a request leaves it in O(1). A request whose answer
 * went out another way (an early 413) stays until its deadline and is then dropped, as {@code answered} says.
 *
 * @param <T> the request
 */
public final class BodyDeadlines<T> {

  /** One waiting request. */
  public static final class Entry<T> {
    private final T request;
    private final long deadline;
    private Entry<T> prev;
    private Entry<T> next;
    private boolean linked;

    private Entry(T request, long deadline) {
      this.request = request;
      this.deadline = deadline;
    }
  }

  private final long timeoutNanos;
  private final LongSupplier nanoClock;
  private final java.util.function.Predicate<T> answered;
  private final Consumer<T> onTimeout;
  private Entry<T> head;
  private Entry<T> tail;
  private int size;

  /**
   * @param timeoutNanos how long a body may take from the accepted headers
   * @param nanoClock monotonic time ({@code System::nanoTime}; tests pass their own)
   * @param answered whether the request was already answered (then a timeout does nothing)
   * @param onTimeout answers a request whose body did not arrive in time
   */
  public BodyDeadlines(long timeoutNanos, LongSupplier nanoClock, java.util.function.Predicate<T> answered,
                       Consumer<T> onTimeout) {
    this.timeoutNanos = timeoutNanos;
    this.nanoClock = nanoClock;
    this.answered = answered;
    this.onTimeout = onTimeout;
  }

  /** How often {@link #sweep()} should run: a quarter of the timeout, at least 10 ms. */
  public long sweepMillis() {
    return Math.max(10, timeoutNanos / 4_000_000);
  }

  /** The request's headers were accepted: its body is due within the timeout. */
  public Entry<T> arrive(T request) {
    Entry<T> e = new Entry<>(request, nanoClock.getAsLong() + timeoutNanos);
    e.prev = tail;
    if (tail == null) {
      head = e;
    } else {
      tail.next = e;
    }
    tail = e;
    e.linked = true;
    size++;
    return e;
  }

  /** The request's body is complete (or the request is over): it no longer waits. Idempotent. */
  public void done(Entry<T> e) {
    if (e == null || !e.linked) {
      return;
    }
    if (e.prev == null) {
      head = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next == null) {
      tail = e.prev;
    } else {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
    e.linked = false;
    size--;
  }

  /** Times out every request past its deadline that is still waiting and unanswered. */
  public void sweep() {
    long now = nanoClock.getAsLong();
    while (head != null && now - head.deadline >= 0) {
      Entry<T> e = head;
      done(e);
      if (!answered.test(e.request)) {
        onTimeout.accept(e.request);
      }
    }
  }

  /** Requests waiting for their body. */
  public int size() {
    return size;
  }
}
