package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Sessions of one process, in memory: the default, needing no setup. */
public final class MemorySessionStore implements SessionStore {

  private final ConcurrentHashMap<String, McpSession> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  @Override
  public Future<Boolean> create(McpSession session, int maxSessions) {
    // Reserve a slot first so concurrent creations cannot overshoot the limit.
    if (count.incrementAndGet() > maxSessions) {
      count.decrementAndGet();
      return Future.succeededFuture(false);
    }
    sessions.put(session.id(), session);
    return Future.succeededFuture(true);
  }

  @Override
  public Future<McpSession> get(String id) {
    return Future.succeededFuture(id == null ? null : sessions.get(id));
  }

  @Override
  public Future<Boolean> remove(String id) {
    boolean removed = id != null && sessions.remove(id) != null;
    if (removed) {
      count.decrementAndGet();
    }
    return Future.succeededFuture(removed);
  }

  @Override
  public int size() {
    return count.get();
  }

  @Override
  public List<McpSession> idle(long idleBeforeMillis) {
    List<McpSession> out = new ArrayList<>();
    for (McpSession s : sessions.values()) {
      if (s.lastSeenMillis() < idleBeforeMillis) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public int authenticated() {
    int n = 0;
    for (McpSession s : sessions.values()) {
      if (s.authenticated()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public List<McpSession> expire(long idleBeforeMillis) {
    List<McpSession> gone = new ArrayList<>();
    for (McpSession s : sessions.values()) {
      // remove(key, value) is atomic: a concurrent DELETE and the sweep cannot both count it.
      if (s.lastSeenMillis() < idleBeforeMillis && sessions.remove(s.id(), s)) {
        count.decrementAndGet();
        gone.add(s);
      }
    }
    return gone;
  }
}
