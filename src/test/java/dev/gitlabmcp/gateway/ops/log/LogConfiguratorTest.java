package dev.gitlabmcp.gateway.ops.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged logging built in code writes what logback.xml would write, for every format, level and
 * transport LOG_FORMAT, LOG_LEVEL and stdio mode can ask for; an operator's own file still wins.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LogConfiguratorTest {

  private static final List<String> LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "dev.gitlabmcp",
      "dev.gitlabmcp.gateway.mcp.McpHttpVerticle", "dev.gitlabmcp.audit", "io.netty.channel", "io.vertx.core.impl",
      "io.micrometer.core.instrument.MeterRegistry", "org.yaml.snakeyaml");

  /** One failure for both configurations: its stack trace is part of the line. */
  private static final IllegalStateException BOOM = new IllegalStateException("boom",
      new java.io.UncheckedIOException(new java.io.IOException("disk full")));

  /** A class loader that sees no logback-test.xml (nor anything else of the class path): the packaged jar's view. */
  private static final ClassLoader PACKAGED = new ClassLoader(null) {
  };

  @ParameterizedTest
  @CsvSource({"text, info, false", "json, info, false", "json, debug, true", "text, warn, true",
      "json, error, false"})
  void should_write_the_same_lines_as_logback_xml(String format, String level, boolean stdio) throws Exception {
    LoggerContext fromXml = context(format, level, stdio);
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(fromXml);
    joran.doConfigure(LogConfiguratorTest.class.getResource("/logback.xml"));
    LoggerContext inCode = context(format, level, stdio);
    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogConfigurator(PACKAGED).configure(inCode));

    for (String name : LOGGERS) {
      assertEquals(fromXml.getLogger(name).getEffectiveLevel(), inCode.getLogger(name).getEffectiveLevel(), name);
    }
    Output xmlLines = written(fromXml, stdio);
    Output codeLines = written(inCode, stdio);
    assertFalse((stdio ? codeLines.stderr : codeLines.stdout).isEmpty(), "lines were written");
    assertEquals(xmlLines, codeLines);
  }

  @Test
  void should_let_an_operators_configuration_file_win(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ops-logback.xml");
    Files.writeString(file, """
        <configuration>
          <appender name="OPS" class="ch.qos.logback.core.read.ListAppender"/>
          <root level="DEBUG"><appender-ref ref="OPS"/></root>
        </configuration>
        """);
    LoggerContext context = context("json", "info", false);
    System.setProperty(LogConfigurator.CONFIG_FILE_PROPERTY, file.toString());
    try {
      assertEquals(ExecutionStatus.NEUTRAL, new LogConfigurator(PACKAGED).configure(context));
      new ContextInitializer(context).autoConfig();
    } finally {
      System.clearProperty(LogConfigurator.CONFIG_FILE_PROPERTY);
    }

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertNotNull(root.getAppender("OPS"), "the operator's appender");
    assertNull(root.getAppender("OUT"), "the packaged appender");
    assertEquals(Level.DEBUG, context.getLogger("dev.gitlabmcp").getEffectiveLevel());
    context.stop();
  }

  @Test
  void should_leave_a_logback_test_xml_on_the_class_path_to_logback() {
    assertEquals(ExecutionStatus.NEUTRAL, new LogConfigurator().configure(context("text", "info", false)));
  }

  private static LoggerContext context(String format, String level, boolean stdio) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    LogSetup.properties(format, level, stdio).forEach(context::putProperty);
    return context;
  }

  /** What the context writes for the same events (same time, thread and arguments), flushed as Main does at exit. */
  private static Output written(LoggerContext context, boolean stdio) {
    Consumer<LoggerContext> logging = c -> {
      Logger gateway = c.getLogger("dev.gitlabmcp.gateway.mcp.McpHttpVerticle");
      call(gateway, Level.INFO, "session_created instance={} session={} client=\"{}\"", null,
          "gitlab-eu", "3fa2c9e1", "Claude (desktop)");
      call(gateway, Level.ERROR, "tool_shaping_failed error={}", BOOM,
          "java.lang.IllegalStateException");
      call(c.getLogger("io.vertx.core.impl.ContextBase"), Level.WARN, "a library's {} message", null, "prose");
      call(c.getLogger("undotted"), Level.DEBUG, "a logger name without a package", null);
    };
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      logging.accept(context);
      LogSetup.flush(context);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Output(stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
  }

  private static void call(Logger logger, Level level, String message, Throwable thrown, Object... args) {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, args);
    event.setTimeStamp(1_764_000_000_123L);
    event.setThreadName("vert.x-eventloop-thread-0");
    logger.callAppenders(event);
  }

  private record Output(String stdout, String stderr) {
  }
}
