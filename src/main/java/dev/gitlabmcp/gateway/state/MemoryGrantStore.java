package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/** {@link GrantStore} in this process's memory; expired grants read as absent and are purged on demand. */
public final class MemoryGrantStore implements GrantStore {

  private final Map<String, GrantRecord> grants = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public MemoryGrantStore(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> create(GrantRecord grant) {
    if (grant.version() != 1) {
      return Future.failedFuture(new IllegalArgumentException("a new grant starts at version 1"));
    }
    AtomicBoolean stored = new AtomicBoolean();
    grants.compute(grant.id(), (k, old) -> {
      if (old == null || expired(old)) {
        stored.set(true);
        return grant;
      }
      return old;
    });
    return stored.get() ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("grant id exists"));
  }

  @Override
  public Future<GrantRecord> get(String id) {
    GrantRecord g = id == null ? null : grants.get(id);
    return Future.succeededFuture(g == null || expired(g) ? null : g);
  }

  @Override
  public Future<Boolean> replace(GrantRecord next) {
    AtomicBoolean stored = new AtomicBoolean();
    grants.computeIfPresent(next.id(), (k, old) -> {
      if (!expired(old) && old.version() == next.version() - 1) {
        stored.set(true);
        return next;
      }
      return old;
    });
    return Future.succeededFuture(stored.get());
  }

  @Override
  public Future<Boolean> remove(String id) {
    return Future.succeededFuture(id != null && grants.remove(id) != null);
  }

  @Override
  public Future<Map<String, Long>> countByKeyId() {
    Map<String, Long> counts = new TreeMap<>();
    for (GrantRecord g : grants.values()) {
      if (!expired(g)) {
        counts.merge(g.keyId(), 1L, Long::sum);
      }
    }
    return Future.succeededFuture(counts);
  }

  @Override
  public Future<Long> purgeExpired(long nowMillis) {
    long before = grants.size();
    grants.values().removeIf(g -> g.expiresAt() <= nowMillis);
    return Future.succeededFuture(before - grants.size());
  }

  private boolean expired(GrantRecord g) {
    return g.expiresAt() <= clock.getAsLong();
  }
}
