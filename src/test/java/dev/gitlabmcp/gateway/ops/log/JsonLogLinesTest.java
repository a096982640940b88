package dev.gitlabmcp.gateway.ops.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.joran.spi.JoranException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * What an operator's log store receives with LOG_FORMAT=json: the production logback.xml, configured
 * with the properties Main sets, writing to the process's stdout (stderr in stdio mode).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JsonLogLinesTest {

  private static final String SESSION_CREATED =
      "session_created instance={} session={} client=\"{}\" protocol={} subject={}";

  @Test
  void should_write_every_value_of_a_message_into_its_json_line() throws Exception {
    List<String> lines = emitted(false, log -> log.info(SESSION_CREATED, "gitlab-eu", "3fa2c9e1",
        "Claude (desktop)", "2025-11-25", "alice"));

    assertEquals(1, lines.size(), () -> "lines: " + lines);
    JsonObject line = new JsonObject(lines.get(0));
    assertEquals("session_created instance=gitlab-eu session=3fa2c9e1 client=\"Claude (desktop)\" "
        + "protocol=2025-11-25 subject=alice", line.getString("formattedMessage"));
    assertEquals("session_created", line.getString("event"));
    assertEquals(new JsonObject().put("instance", "gitlab-eu").put("session", "3fa2c9e1")
        .put("client", "Claude (desktop)").put("protocol", "2025-11-25").put("subject", "alice"),
        line.getJsonObject("fields"));
    assertEquals("INFO", line.getString("level"));
    assertEquals("dev.gitlabmcp.gateway.mcp.McpHttpVerticle", line.getString("loggerName"));
    assertTrue(line.getLong("timestamp") > 0, () -> "timestamp: " + line);
    assertFalse(lines.get(0).contains("{}"), () -> "a placeholder instead of a value: " + lines.get(0));
  }

  @Test
  void should_keep_every_line_a_json_object_whatever_its_values_hold() throws Exception {
    List<String> lines = emitted(false, log -> {
      log.warn("instances_reload_problem file={} problem=\"{}\"", "/etc/gw/instances.yaml",
          "line 3: \"url\" is not a URL\n\ttab {}");
      log.error("tool_shaping_failed error={}", "java.lang.IllegalStateException", new IllegalStateException("boom"));
      log.info("READY http://{}:{}/mcp in {} ms (tools={}, gitlab={})", "0.0.0.0", 3000, 812, 96, "gitlab-eu");
    });

    assertEquals(3, lines.size(), () -> "lines: " + lines);
    JsonObject problem = new JsonObject(lines.get(0));
    assertEquals("line 3: ", problem.getJsonObject("fields").getString("problem"));
    assertTrue(problem.getString("formattedMessage").endsWith("problem=\"line 3: \"url\" is not a URL\n\ttab {}\""),
        () -> "the value is written whole: " + problem);
    JsonObject failed = new JsonObject(lines.get(1));
    assertEquals("ERROR", failed.getString("level"));
    assertEquals("boom", failed.getJsonObject("throwable").getString("message"));
    JsonObject ready = new JsonObject(lines.get(2));
    assertEquals("READY http://0.0.0.0:3000/mcp in 812 ms (tools=96, gitlab=gitlab-eu)",
        ready.getString("formattedMessage"));
    assertEquals(new JsonObject().put("tools", "96").put("gitlab", "gitlab-eu"), ready.getJsonObject("fields"));
    assertFalse(ready.containsKey("event"), () -> "READY is no snake_case event name: " + ready);
  }

  @Test
  void should_leave_a_library_message_as_it_is_without_guessed_fields() throws Exception {
    List<String> lines = emitted(false, "io.vertx.core.impl.ContextBase", log -> log.warn(
        "This Gauge has been already registered (MeterId{name='{}', tags=[]}), the registration will be ignored.",
        "vertx.eventbus.handlers"));

    JsonObject line = new JsonObject(lines.get(0));
    assertEquals("This Gauge has been already registered (MeterId{name='vertx.eventbus.handlers', tags=[]}), the "
        + "registration will be ignored.", line.getString("formattedMessage"));
    assertFalse(line.containsKey("fields"), () -> "no fields parsed out of prose: " + line);
  }

  @Test
  void should_write_logs_to_stderr_only_in_stdio_mode() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    List<String> stdout;
    try {
      stdout = emitted(true, log -> log.info("session_created transport=stdio session={}", "3fa2c9e1"));
    } finally {
      System.setErr(err);
    }

    assertEquals(List.of(), stdout, "stdout carries protocol messages only");
    JsonObject line = new JsonObject(stderr.toString(StandardCharsets.UTF_8).strip());
    assertEquals("3fa2c9e1", line.getJsonObject("fields").getString("session"));
  }

  /**
   * The lines the production configuration writes to stdout for what {@code logging} logs on a
   * gateway logger (or the one named), through a fresh logger context flushed as Main flushes it
   * at exit.
   */
  private static List<String> emitted(boolean stdio, Consumer<Logger> logging) throws JoranException {
    return emitted(stdio, "dev.gitlabmcp.gateway.mcp.McpHttpVerticle", logging);
  }

  private static List<String> emitted(boolean stdio, String logger, Consumer<Logger> logging) throws JoranException {
    PrintStream out = System.out;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      LoggerContext context = ProductionLogging.start("json", stdio);
      logging.accept(context.getLogger(logger));
      LogSetup.flush(context);
    } finally {
      System.setOut(out);
    }
    return stdout.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
