package dev.gitlabmcp.gateway.gitlab;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Consumer;

/**
 * The slow-downs GitLab asked for, one per credential: GitLab counts its rate limits per user, so a
 * 429 or a low RateLimit-Remaining on one caller's answer paces that caller's later calls and no
 * one else's. Keys are {@link Credential#fingerprint()}s, never tokens.
 *
 * <p>Bounded without a sweep: an entry exists only while its slow-down lasts or calls wait in it;
 * each operation drops finished entries among the two least recently slowed; beyond
 * {@link #MAX_ENTRIES} the least recently slowed entry is evicted at once (its waiting calls go on
 * to the instance queue: failing open costs at most one GitLab 429 each).
 *
 * <p>Confined to the registry's event loop, like the limiter that owns it.
 */
final class CredentialPaces {

  /** Most credentials slowed at once per instance (about 200 bytes each). */
  static final int MAX_ENTRIES = 10_000;
  /** Finished entries looked at per operation. */
  private static final int TIDY_PER_OPERATION = 2;
  /** The fraction of a call kept above one while calls wait, so a late timer costs them nothing. */
  private static final double CARRY = 0.999;

  /** One credential's slow-down: at most {@code rate} calls a second (0: none) until {@code untilNanos}. */
  static final class Pace {
    final String key;
    final ArrayDeque<InstanceLimiter.Waiter> parked = new ArrayDeque<>();
    long untilNanos;
    double rate;
    double tokens;
    long lastNanos;
    long wakeTimer = -1;

    Pace(String key) {
      this.key = key;
    }

    boolean over(long now) {
      return now >= untilNanos;
    }

    /** Whether a call of this credential may go on to the instance queue now. */
    boolean canGo(long now) {
      if (over(now)) {
        return true;
      }
      refill(now);
      return tokens >= 1;
    }

    /** Counts a call that went on (call after {@link #canGo}). */
    void went(long now) {
      if (!over(now)) {
        tokens -= 1;
      }
    }

    /** Nanoseconds until the next call may go on: the next share of the budget, or the end. */
    long nanosUntilNext(long now) {
      if (over(now)) {
        return 0;
      }
      refill(now);
      long untilEnd = untilNanos - now;
      return rate <= 0 ? untilEnd : Math.min(untilEnd, (long) (Math.max(0, 1 - tokens) / rate * 1e9));
    }

    /** Seconds until the call at this place (1 = next) among this credential's may go on. */
    double secondsUntil(int place, long now) {
      if (over(now)) {
        return 0;
      }
      refill(now);
      double untilEndS = (untilNanos - now) / 1e9;
      return rate <= 0 ? untilEndS : Math.min(untilEndS, Math.max(0, place - tokens) / rate);
    }

    private void refill(long now) {
      long to = Math.min(now, untilNanos);
      if (to > lastNanos) {
        tokens = Math.min(1 + (parked.isEmpty() ? 0 : CARRY), tokens + (to - lastNanos) / 1e9 * rate);
      }
      lastNanos = Math.max(lastNanos, now);
    }
  }

  /** Insertion order, and a slow-down re-inserts: the head is the least recently slowed. */
  private final LinkedHashMap<String, Pace> paces = new LinkedHashMap<>();
  private final Consumer<Pace> evicted;

  /** @param evicted told of an entry dropped with calls still waiting in it (its timer still set) */
  CredentialPaces(Consumer<Pace> evicted) {
    this.evicted = evicted;
  }

  /** The credential's slow-down while it lasts or calls wait in it, else null. */
  Pace find(String key, long now) {
    tidy(now);
    Pace p = paces.get(key);
    if (p != null && idle(p, now)) {
      paces.remove(key);
      return null;
    }
    return p;
  }

  /**
   * For windowMs (at most {@link InstanceLimiter#MAX_THROTTLE_MS}) lets no more than {@code remaining}
   * of this credential's calls go on, evenly spaced; with nothing remaining, none until it ends.
   */
  Pace slow(String key, long remaining, long windowMs, long now) {
    tidy(now);
    long window = Math.min(Math.max(windowMs, 1), InstanceLimiter.MAX_THROTTLE_MS);
    Pace p = paces.remove(key);
    if (p == null) {
      p = new Pace(key);
      p.lastNanos = now;
    }
    if (p.over(now)) {
      p.lastNanos = now;
      p.tokens = Math.min(p.tokens, 0); // entering the slow-down: the next call waits its share
    } else {
      p.refill(now);
    }
    p.rate = Math.max(0, remaining) / (window / 1000.0);
    p.untilNanos = now + window * 1_000_000L;
    paces.put(key, p);
    while (paces.size() > MAX_ENTRIES) {
      Iterator<Pace> eldest = paces.values().iterator();
      Pace gone = eldest.next();
      eldest.remove();
      if (!gone.parked.isEmpty()) {
        evicted.accept(gone);
      }
    }
    return p;
  }

  /** Drops the entry once it is finished and its waiting calls went on. */
  void forgetIfIdle(Pace p, long now) {
    if (idle(p, now) && paces.get(p.key) == p) {
      paces.remove(p.key);
    }
  }

  /** Credentials GitLab slows down right now. */
  int slowed(long now) {
    int n = 0;
    for (Pace p : paces.values()) {
      n += p.over(now) ? 0 : 1;
    }
    return n;
  }

  int size() {
    return paces.size();
  }

  Iterable<Pace> all() {
    return paces.values();
  }

  void clear() {
    paces.clear();
  }

  private void tidy(long now) {
    Iterator<Pace> it = paces.values().iterator();
    for (int i = 0; i < TIDY_PER_OPERATION && it.hasNext(); i++) {
      Pace p = it.next();
      if (!idle(p, now)) {
        return;
      }
      it.remove();
    }
  }

  private static boolean idle(Pace p, long now) {
    return p.over(now) && p.parked.isEmpty();
  }
}
