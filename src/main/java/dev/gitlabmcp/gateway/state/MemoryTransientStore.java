package dev.gitlabmcp.gateway.state;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * {@link TransientStore} in this process's memory. Expired entries are dropped when read and by
 * {@link #sweep}; at most {@code maxEntries} are held (a put beyond that sweeps first, then refuses), so a
 * flood of abandoned authorizations cannot grow the heap without bound.
 */
public final class MemoryTransientStore implements TransientStore {

  /** Thrown (as a failed future) when the store is full of live entries. */
  public static final class Full extends RuntimeException {
    public Full() {
      super("transient store full", null, false, false);
    }
  }

  private record Entry(String value, long expiresAt) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final int maxEntries;

  public MemoryTransientStore(LongSupplier clock, int maxEntries) {
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  public MemoryTransientStore(LongSupplier clock) {
    this(clock, 100_000);
  }

  @Override
  public Future<Void> put(String key, String value, long ttlMillis) {
    if (!room(key)) {
      return Future.failedFuture(new Full());
    }
    entries.put(key, new Entry(value, clock.getAsLong() + ttlMillis));
    return Future.succeededFuture();
  }

  @Override
  public Future<String> get(String key) {
    Entry e = live(key);
    return Future.succeededFuture(e == null ? null : e.value());
  }

  @Override
  public Future<String> take(String key) {
    Entry e = entries.remove(key);
    return Future.succeededFuture(e == null || expired(e) ? null : e.value());
  }

  @Override
  public Future<Boolean> putIfAbsent(String key, String value, long ttlMillis) {
    if (!room(key)) {
      return Future.failedFuture(new Full());
    }
    Entry fresh = new Entry(value, clock.getAsLong() + ttlMillis);
    AtomicBoolean stored = new AtomicBoolean();
    entries.compute(key, (k, old) -> {
      if (old == null || expired(old)) {
        stored.set(true);
        return fresh;
      }
      return old;
    });
    return Future.succeededFuture(stored.get());
  }

  @Override
  public Future<Boolean> removeIf(String key, String value) {
    AtomicBoolean removed = new AtomicBoolean();
    entries.computeIfPresent(key, (k, old) -> {
      if (!expired(old) && old.value().equals(value)) {
        removed.set(true);
        return null;
      }
      return expired(old) ? null : old;
    });
    return Future.succeededFuture(removed.get());
  }

  /** Drops expired entries; how many. */
  public int sweep() {
    int n = 0;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      if (expired(it.next())) {
        it.remove();
        n++;
      }
    }
    return n;
  }

  public int size() {
    return entries.size();
  }

  private boolean room(String key) {
    if (entries.size() < maxEntries || entries.containsKey(key)) {
      return true;
    }
    sweep();
    return entries.size() < maxEntries;
  }

  private Entry live(String key) {
    Entry e = entries.get(key);
    if (e != null && expired(e)) {
      entries.remove(key, e);
      return null;
    }
    return e;
  }

  private boolean expired(Entry e) {
    return clock.getAsLong() >= e.expiresAt();
  }
}
