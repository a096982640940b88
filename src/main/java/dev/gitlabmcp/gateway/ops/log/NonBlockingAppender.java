package dev.gitlabmcp.gateway.ops.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events to its appenders on one writer thread through a bounded queue, so a logging
 * thread (an event loop) never waits for the log output. When the queue is full the event is
 * dropped and counted ({@link #dropped()}, {@link DroppedLogs#count()}); once the writer catches
 * up it writes one {@code log_lines_dropped count=N} line, so the gap shows in the log itself.
 *
 * <p>Unlike logback's {@code AsyncAppender} (whose {@code neverBlock} drops silently, and which
 * discards INFO lines early) every level is kept while there is room, and every drop is counted.
 * {@link #stop()} writes what is queued, waiting at most {@code maxFlushMillis} for a stuck output.
 */
public final class NonBlockingAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {

  /** Events held while the output is slow: a few seconds of a busy gateway's lines. */
  public static final int DEFAULT_QUEUE_SIZE = 8192;
  /** How long {@link #stop()} waits for the queued lines to be written. */
  public static final int DEFAULT_MAX_FLUSH_MILLIS = 2000;
  /** How long the writer lets lines gather after one was written: at most this much later in the output. */
  private static final long GATHER_NANOS = 1_000_000L;

  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedUnreported = new AtomicLong();
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private int maxFlushMillis = DEFAULT_MAX_FLUSH_MILLIS;
  private BlockingQueue<ILoggingEvent> queue;
  private Thread writer;

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setMaxFlushMillis(int maxFlushMillis) {
    this.maxFlushMillis = maxFlushMillis;
  }

  /** Events this appender dropped because its queue was full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (queueSize < 1 || maxFlushMillis < 0) {
      addError("queueSize must be at least 1 and maxFlushMillis at least 0, got " + queueSize + " and "
          + maxFlushMillis + "; appender " + getName() + " not started");
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    writer = new Thread(this::writeUntilStopped, "log-writer-" + getName());
    writer.setDaemon(true); // a stuck output must not keep the process alive
    super.start();
    writer.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // Message, thread name and MDC are fixed now, on the caller's thread, as its arguments may change.
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
      droppedUnreported.incrementAndGet();
      DroppedLogs.add(1);
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    writer.interrupt();
    try {
      writer.join(maxFlushMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      addWarn(queue.size() + " queued log event(s) not written: the output did not accept them within "
          + maxFlushMillis + " ms");
    }
  }

  private void writeUntilStopped() {
    try {
      while (true) {
        write(queue.take());
        // Under load, let lines gather for a moment instead of being woken for each one: a logging
        // thread then rarely finds the writer waiting, so it seldom pays for waking it (a system
        // call per line on the event loop). Idle, the writer waits in take() and costs nothing.
        if (queue.isEmpty()) {
          LockSupport.parkNanos(GATHER_NANOS);
        }
        for (ILoggingEvent event = queue.poll(); event != null; event = queue.poll()) {
          write(event);
        }
      }
    } catch (InterruptedException stopping) {
      // stop() was called: write what is left, then stop the appenders.
    }
    for (ILoggingEvent event = queue.poll(); event != null; event = queue.poll()) {
      write(event);
    }
    reportDrops();
    appenders.detachAndStopAllAppenders();
  }

  private void write(ILoggingEvent event) {
    reportDrops();
    appenders.appendLoopOnAppenders(event);
  }

  private void reportDrops() {
    long n = droppedUnreported.getAndSet(0);
    if (n > 0 && getContext() instanceof LoggerContext loggers) {
      LoggingEvent line = new LoggingEvent(NonBlockingAppender.class.getName(),
          loggers.getLogger(NonBlockingAppender.class), Level.WARN,
          "log_lines_dropped count={}: the log output was too slow, these lines were not written", null,
          new Object[] {n});
      line.prepareForDeferredProcessing();
      appenders.appendLoopOnAppenders(line);
    }
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> appender) {
    appenders.addAppender(appender);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return appenders.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return appenders.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }
}
