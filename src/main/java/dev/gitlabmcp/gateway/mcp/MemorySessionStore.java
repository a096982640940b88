package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Sessions of one process, in memory: the default, needing no setup. Reads are lock-free; creation
 * and removal take the store's lock so the capacity counts can never overshoot.
 */
public final class MemorySessionStore implements SessionStore {

  private final ConcurrentHashMap<String, SessionState> sessions = new ConcurrentHashMap<>();
  /** Sessions per owner; guarded by {@code this}. */
  private final java.util.HashMap<String, Integer> perOwner = new java.util.HashMap<>();
  private final long ttlMillis;
  private final LongSupplier clock;

  /**
   * @param ttlMillis idle time after which a session is gone
   * @param clock milliseconds; tests pass their own
   */
  public MemorySessionStore(long ttlMillis, LongSupplier clock) {
    this.ttlMillis = ttlMillis;
    this.clock = clock;
  }

  @Override
  public Future<SessionState> create(SessionState session, int maxSessions, int maxPerOwner) {
    synchronized (this) {
      if (sessions.size() >= maxSessions) {
        expireNow(); // idle sessions do not hold capacity
      }
      if (sessions.size() >= maxSessions) {
        return Future.failedFuture(new Full(false, maxSessions));
      }
      String owner = session.owner();
      if (owner != null) {
        int held = perOwner.getOrDefault(owner, 0);
        if (held >= maxPerOwner) {
          return Future.failedFuture(new Full(true, maxPerOwner));
        }
        perOwner.put(owner, held + 1);
      }
      sessions.put(session.id(), session);
    }
    return Future.succeededFuture(session);
  }

  @Override
  public Future<SessionState> get(String id) {
    return Future.succeededFuture(live(id));
  }

  private SessionState live(String id) {
    SessionState s = id == null ? null : sessions.get(id);
    if (s != null && expired(s, clock.getAsLong())) {
      drop(s);
      return null;
    }
    return s;
  }

  @Override
  public Future<SessionState> update(String id, UnaryOperator<SessionState> change) {
    if (live(id) == null) {
      return Future.succeededFuture(null);
    }
    return Future.succeededFuture(sessions.computeIfPresent(id, (k, s) -> {
      SessionState next = change.apply(s);
      if (!next.id().equals(s.id()) || !java.util.Objects.equals(next.owner(), s.owner())) {
        throw new IllegalArgumentException("a session's id and owner never change");
      }
      return next;
    }));
  }

  @Override
  public Future<Void> touch(SessionState session) {
    long now = clock.getAsLong();
    sessions.computeIfPresent(session.id(), (k, s) -> expired(s, now) ? s : s.seenAt(now));
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> remove(String id) {
    SessionState s = id == null ? null : sessions.get(id);
    return Future.succeededFuture(s != null && drop(s));
  }

  @Override
  public Future<Integer> count() {
    return Future.succeededFuture(sessions.size());
  }

  /** Sessions held now, including idle ones not yet expired; for the metrics gauge. */
  public int size() {
    return sessions.size();
  }

  /** Sessions owned by a verified user (per-user tokens), for the metrics gauge. */
  public synchronized int owned() {
    int n = 0;
    for (int held : perOwner.values()) {
      n += held;
    }
    return n;
  }

  @Override
  public Future<List<String>> expire() {
    return Future.succeededFuture(expireNow());
  }

  private List<String> expireNow() {
    long now = clock.getAsLong();
    List<String> gone = new ArrayList<>();
    for (SessionState s : sessions.values()) {
      if (expired(s, now) && drop(s)) {
        gone.add(s.id());
      }
    }
    return gone;
  }

  private boolean expired(SessionState s, long now) {
    return now - s.lastSeenMillis() >= ttlMillis;
  }

  /** Removes exactly this session; false when a concurrent removal came first. */
  private synchronized boolean drop(SessionState s) {
    SessionState current = sessions.get(s.id());
    if (current == null || !sessions.remove(s.id(), current)) {
      return false;
    }
    if (current.owner() != null) {
      perOwner.computeIfPresent(current.owner(), (o, n) -> n <= 1 ? null : n - 1);
    }
    return true;
  }
}
