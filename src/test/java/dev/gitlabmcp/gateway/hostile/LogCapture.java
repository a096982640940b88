package dev.gitlabmcp.gateway.hostile;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the JVM while it is attached (logback is the backend): what an operator's
 * log would show, rendered as message plus any throwable the line would print.
 */
final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.setName("hostile-test-capture");
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** One string per event: level, logger, formatted message, and the stack trace it would print. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    synchronized (appender.list) {
      for (ILoggingEvent e : appender.list) {
        StringBuilder sb = new StringBuilder().append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ')
            .append(e.getFormattedMessage());
        var t = e.getThrowableProxy();
        while (t != null) {
          sb.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
          for (var frame : t.getStackTraceElementProxyArray()) {
            sb.append("\n\tat ").append(frame.getSTEAsString());
          }
          t = t.getCause();
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  void clear() {
    synchronized (appender.list) {
      appender.list.clear();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
