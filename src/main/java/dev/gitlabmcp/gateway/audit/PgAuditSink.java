package dev.gitlabmcp.gateway.audit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log in PostgreSQL, written off the request path: {@link #record} only queues (bounded), and one
 * writer on the sink's own context inserts batches every {@link #flushMs} ms or as soon as {@link #batchSize}
 * records wait. The failure policy is decided here: a full queue drops the new record, a failed batch is dropped
 * whole; both are counted ({@code audit_records_dropped_total}, {@code audit_write_failures_total}) and logged at
 * most once a minute. A call never waits for the database and never fails because of it: a database outage costs
 * each call one queue offer.
 */
public final class PgAuditSink implements AuditSink {

  public static final int DEFAULT_CAPACITY = 10_000;
  public static final int DEFAULT_BATCH = 200;
  public static final long DEFAULT_FLUSH_MS = 250;
  /** Longest one batch insert may take before it counts as failed (the pool's own bounds apply too). */
  static final long WRITE_TIMEOUT_MS = 5_000;
  private static final long DAY_MS = 24L * 3600 * 1000;
  private static final long WARN_EVERY_MS = 60_000;

  private static final Logger LOG = LoggerFactory.getLogger(PgAuditSink.class);

  private final Vertx vertx;
  private final Context context;
  private final Pool pool;
  private final int capacity;
  private final int batchSize;
  private final long flushMs;
  private final ConcurrentLinkedQueue<AuditRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private volatile boolean closed;
  private long flushTimer = -1;
  private long purgeTimer = -1;
  private long lastWarn = Long.MIN_VALUE / 2;

  public PgAuditSink(Vertx vertx, Pool pool, int capacity, int batchSize, long flushMs) {
    if (capacity < 1 || batchSize < 1 || flushMs < 1) {
      throw new IllegalArgumentException("capacity, batch size and flush interval must be positive");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.pool = pool;
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.flushMs = flushMs;
  }

  public PgAuditSink(Vertx vertx, Pool pool) {
    this(vertx, pool, DEFAULT_CAPACITY, DEFAULT_BATCH, DEFAULT_FLUSH_MS);
  }

  /** Counts what was written, dropped and failed in {@code registry} (Prometheus: audit_records_*_total ...). */
  public PgAuditSink meter(MeterRegistry registry) {
    FunctionCounter.builder("audit.records.dropped", dropped, AtomicLong::get)
        .description("Audit records lost: the queue was full (the database too slow or away) or their batch failed")
        .register(registry);
    FunctionCounter.builder("audit.write.failures", failures, AtomicLong::get)
        .description("Audit batch inserts that failed (each drops its records)").register(registry);
    FunctionCounter.builder("audit.records.written", written, AtomicLong::get)
        .description("Audit records written to PostgreSQL").register(registry);
    return this;
  }

  /**
   * Starts the flush timer, and the daily purge of records older than {@code retentionDays} (first run a minute
   * after start, so replicas starting together do not all purge at once on boot).
   */
  public PgAuditSink start(int retentionDays, LongSupplier clock) {
    context.runOnContext(v -> {
      flushTimer = vertx.setPeriodic(flushMs, id -> flush());
      purgeTimer = vertx.setPeriodic(60_000, DAY_MS, id -> purge(clock.getAsLong() - retentionDays * DAY_MS)
          .onSuccess(n -> LOG.info("audit_purged records={} retention_days={}", n, retentionDays))
          .onFailure(err -> LOG.warn("audit_purge_failed reason={}", err.toString())));
    });
    return this;
  }

  @Override
  public void record(AuditRecord record) {
    if (closed) {
      dropped.incrementAndGet();
      return;
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.offer(record);
    if (queued.get() >= batchSize && !writing.get()) {
      context.runOnContext(v -> flush());
    }
  }

  /** Records waiting to be written. */
  public int queued() {
    return queued.get();
  }

  public long dropped() {
    return dropped.get();
  }

  public long failures() {
    return failures.get();
  }

  public long written() {
    return written.get();
  }

  /** Starts writing one batch unless one is being written; the next batch follows when enough wait. */
  private void flush() {
    if (queued.get() == 0 || !writing.compareAndSet(false, true)) {
      return;
    }
    write().onComplete(ar -> {
      writing.set(false);
      if (queued.get() >= batchSize || (closed && queued.get() > 0)) {
        flush();
      }
    });
  }

  private Future<Void> write() {
    List<AuditRecord> batch = new ArrayList<>(Math.min(batchSize, queued.get()));
    AuditRecord r;
    while (batch.size() < batchSize && (r = queue.poll()) != null) {
      batch.add(r);
    }
    queued.addAndGet(-batch.size());
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = batch.size();
    return pool.preparedQuery(AuditSql.INSERT).execute(AuditSql.batch(batch))
        .timeout(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .onSuccess(v -> written.addAndGet(n))
        .onFailure(err -> failed(n, err));
  }

  private void failed(int records, Throwable err) {
    failures.incrementAndGet();
    dropped.addAndGet(records);
    long now = System.nanoTime() / 1_000_000;
    if (now - lastWarn >= WARN_EVERY_MS) {
      lastWarn = now;
      LOG.warn("audit_write_failed records={} dropped_total={} reason={}", records, dropped.get(), err.toString());
    }
  }

  /** Deletes the records that started before {@code cutoffMillis}, in chunks; how many. */
  public Future<Long> purge(long cutoffMillis) {
    return purgeFrom(cutoffMillis, 0);
  }

  private Future<Long> purgeFrom(long cutoffMillis, long sofar) {
    return pool.preparedQuery(AuditSql.PURGE).execute(Tuple.of(AuditSql.time(cutoffMillis))).compose(rows -> {
      long total = sofar + rows.rowCount();
      return rows.rowCount() < AuditSql.PURGE_CHUNK ? Future.succeededFuture(total) : purgeFrom(cutoffMillis, total);
    });
  }

  /** Takes no more records, writes what waits (within {@link #WRITE_TIMEOUT_MS} per batch), stops the timers. */
  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      vertx.cancelTimer(flushTimer);
      vertx.cancelTimer(purgeTimer);
      drainAll(done);
    });
    return done.future();
  }

  private void drainAll(Promise<Void> done) {
    if (queued.get() == 0 && !writing.get()) {
      done.tryComplete(); // nothing waits, and no batch is still on its way
      return;
    }
    if (!writing.compareAndSet(false, true)) {
      vertx.setTimer(10, id -> drainAll(done));
      return;
    }
    write().onComplete(ar -> {
      writing.set(false);
      if (ar.failed()) {
        int left = queued.getAndSet(0);
        queue.clear();
        dropped.addAndGet(left);
        done.tryComplete();
      } else {
        drainAll(done);
      }
    });
  }
}
