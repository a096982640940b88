package dev.gitlabmcp.gateway.ops.log;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.util.CachingDateFormatter;

/**
 * The TEXT line, logback.xml's {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n} followed by the
 * stack trace of a throwable, written without PatternLayout: its table of every converter (~120 classes and 68
 * lambdas) loads with the first pattern and cost a measurable part of the start-up. The parts that matter are
 * logback's own (its date formatter, its throwable converter); LogConfiguratorTest holds the lines to the pattern's.
 */
public final class TextLayout extends LayoutBase<ILoggingEvent> {

  static final String DATE_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
  private static final int LEVEL_WIDTH = 5;

  private final CachingDateFormatter date = new CachingDateFormatter(DATE_PATTERN, null); // null: the JVM's zone
  private final ThrowableProxyConverter throwable = new ThrowableProxyConverter();

  @Override
  public void start() {
    throwable.setContext(getContext());
    throwable.start();
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    throwable.stop();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    if (!isStarted()) {
      return CoreConstants.EMPTY_STRING;
    }
    String level = event.getLevel().toString();
    String logger = event.getLoggerName();
    StringBuilder line = new StringBuilder(128).append(date.format(event.getTimeStamp())).append(' ').append(level);
    for (int i = level.length(); i < LEVEL_WIDTH; i++) {
      line.append(' ');
    }
    return line.append(' ').append(logger.substring(logger.lastIndexOf('.') + 1)) // %logger{0}: the class name only
        .append(' ').append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR)
        .append(throwable.convert(event)).toString();
  }
}
