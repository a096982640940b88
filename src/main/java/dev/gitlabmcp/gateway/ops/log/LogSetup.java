package dev.gitlabmcp.gateway.ops.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import java.util.Locale;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The two ends of the process's logging: the properties LogConfigurator (and logback.xml) read (set them before the
 * first logger exists), and the final flush (call it last: lines still queued by
 * {@link NonBlockingAppender} are written then).
 */
public final class LogSetup {

  /** TEXT or JSON: the appender logback.xml writes through. */
  public static final String APPENDER = "gateway.log.appender";
  /** System.out, or System.err in stdio mode, where stdout carries protocol messages only. */
  public static final String TARGET = "gateway.log.target";
  /** The level of the gateway's own loggers. */
  public static final String LEVEL = "gateway.log.level";

  private LogSetup() {
  }

  /** What logback.xml must read for a log format (text, json), a level, and the transport. */
  public static Map<String, String> properties(String format, String level, boolean stdio) {
    return Map.of(APPENDER, format.toUpperCase(Locale.ROOT), LEVEL, level.toUpperCase(Locale.ROOT),
        TARGET, stdio ? "System.err" : "System.out");
  }

  /** Writes the queued lines and stops logging; anything logged afterwards is not written. */
  public static void flush() {
    ILoggerFactory loggers = LoggerFactory.getILoggerFactory();
    if (loggers instanceof LoggerContext context) {
      flush(context);
    }
  }

  static void flush(LoggerContext context) {
    // The root's appenders first: stopping the context stops the console appenders before the
    // queueing appender in front of them, which would leave its queued lines nowhere to go.
    context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(Appender::stop);
    context.stop();
  }
}
