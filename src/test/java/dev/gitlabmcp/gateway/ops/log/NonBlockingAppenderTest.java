package dev.gitlabmcp.gateway.ops.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** A log output that stalls (a full pipe, a stuck collector) must never stall the threads that log. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class NonBlockingAppenderTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger log = context.getLogger("dev.gitlabmcp.gateway.mcp.McpHttpVerticle");
  private final StalledOutput stalled = new StalledOutput();

  @AfterEach
  void release() {
    stalled.release.countDown();
    context.stop();
  }

  @Test
  void should_drop_and_count_lines_instead_of_blocking_when_the_output_is_stuck() throws Exception {
    NonBlockingAppender appender = start(4, stalled);
    long droppedBefore = DroppedLogs.count();

    stallOutputWithFirstLine(log);
    // The writer is stuck inside write(): 4 lines fit in the queue, 996 do not.
    CompletableFuture.runAsync(() -> IntStream.rangeClosed(1, 1000).forEach(i -> log.info("tool_call n={}", i)))
        .get(10, TimeUnit.SECONDS);

    assertEquals(996, appender.dropped());
    assertEquals(996, DroppedLogs.count() - droppedBefore);
  }

  @Test
  void should_write_queued_lines_and_report_the_drops_once_the_output_moves_again() throws Exception {
    start(4, stalled);
    stallOutputWithFirstLine(log);
    IntStream.rangeClosed(1, 10).forEach(i -> log.info("tool_call n={}", i));

    stalled.release.countDown();
    LogSetup.flush(context);

    assertEquals(List.of("tool_call n=0", "log_lines_dropped count=6: the log output was too slow, these lines were "
        + "not written", "tool_call n=1", "tool_call n=2", "tool_call n=3", "tool_call n=4"), stalled.lines());
  }

  @Test
  void should_stop_within_its_flush_time_when_the_output_never_moves() throws Exception {
    NonBlockingAppender appender = start(4, stalled);
    appender.setMaxFlushMillis(100);
    stallOutputWithFirstLine(log);
    log.info("tool_call n=1");

    // The process can still exit: stop() gives up on the stuck output instead of waiting for it.
    CompletableFuture.runAsync(appender::stop).get(10, TimeUnit.SECONDS);
  }

  @Test
  void should_not_block_a_logging_thread_when_stdout_stalls_with_the_production_configuration() throws Exception {
    PrintStream out = System.out;
    System.setOut(new PrintStream(stalled, true, StandardCharsets.UTF_8));
    long droppedBefore = DroppedLogs.count();
    try {
      LoggerContext production = ProductionLogging.start("text", false);
      Logger gateway = production.getLogger("dev.gitlabmcp.gateway.mcp.McpHttpVerticle");
      stallOutputWithFirstLine(gateway);
      int lines = NonBlockingAppender.DEFAULT_QUEUE_SIZE + 1000;
      CompletableFuture.runAsync(() -> IntStream.rangeClosed(1, lines).forEach(i -> gateway.info("tool_call n={}", i)))
          .get(10, TimeUnit.SECONDS);
      assertEquals(1000, DroppedLogs.count() - droppedBefore);

      stalled.release.countDown();
      LogSetup.flush(production);
    } finally {
      System.setOut(out);
    }
    List<String> written = stalled.lines();
    assertEquals(1 + 1 + NonBlockingAppender.DEFAULT_QUEUE_SIZE, written.size());
    assertTrue(written.get(1).endsWith("log_lines_dropped count=1000: the log output was too slow, these lines were "
        + "not written"), () -> "the drop is reported: " + written.get(1));
    assertTrue(written.get(written.size() - 1).endsWith(" tool_call n=" + NonBlockingAppender.DEFAULT_QUEUE_SIZE),
        () -> "the last queued line is written at stop: " + written.get(written.size() - 1));
  }

  @Test
  void should_write_every_line_in_order_when_the_output_keeps_up() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NonBlockingAppender appender = start(1000, out);

    IntStream.range(0, 1000).forEach(i -> log.info("tool_call n={}", i));
    LogSetup.flush(context);

    List<String> expected = IntStream.range(0, 1000).mapToObj(i -> "tool_call n=" + i).toList();
    assertEquals(expected, out.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals(0, appender.dropped());
  }

  /**
   * Logs "tool_call n=0" and waits until a thread is stuck writing it; off the test thread, so a
   * configuration that writes on the caller's thread fails the test instead of hanging it.
   */
  private void stallOutputWithFirstLine(Logger logger) throws InterruptedException {
    CompletableFuture.runAsync(() -> logger.info("tool_call n=0"));
    assertTrue(stalled.entered.await(10, TimeUnit.SECONDS), "the first line reached the output");
  }

  /** The root logger writes through a started NonBlockingAppender of this queue size into {@code out}. */
  private NonBlockingAppender start(int queueSize, OutputStream out) {
    context.setMDCAdapter(new LogbackMDCAdapter());
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> output = new OutputStreamAppender<>();
    output.setContext(context);
    output.setEncoder(encoder);
    output.setOutputStream(out);
    output.start();
    NonBlockingAppender appender = new NonBlockingAppender();
    appender.setName("test");
    appender.setContext(context);
    appender.setQueueSize(queueSize);
    appender.addAppender(output);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return appender;
  }

  /** An output whose first write does not return until released, as a pipe nobody reads. */
  private static final class StalledOutput extends OutputStream {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      entered.countDown();
      boolean interrupted = false;
      while (release.getCount() > 0) {
        try {
          release.await(); // like a pipe's write, an interrupt does not end it
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      synchronized (written) {
        written.write(b, off, len);
      }
    }

    List<String> lines() {
      synchronized (written) {
        return written.toString(StandardCharsets.UTF_8).lines().toList();
      }
    }
  }
}
