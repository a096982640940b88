package dev.gitlabmcp.gateway.ops.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The packaged logging configuration built in code: what src/main/resources/logback.xml describes, without
 * reading it. Joran (logback's XML reader) and the JDK's XML parser load ~470 classes, about a twelfth of those
 * the start-up loads, to set up three appenders and five levels. logback.xml stays the reference (LogConfiguratorTest holds the two to
 * the same lines) and the template an operator copies: with {@code -Dlogback.configurationFile} set, or a
 * logback-test.xml on the class path, this steps aside and logback reads that file as it always did.
 * Registered in META-INF/services/ch.qos.logback.classic.spi.Configurator.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  /** The system property that names an operator's own configuration file (logback's own). */
  static final String CONFIG_FILE_PROPERTY = "logback.configurationFile";

  private final ClassLoader classPath;

  /** As logback's service loader creates it. */
  public LogConfigurator() {
    this(LogConfigurator.class.getClassLoader());
  }

  /** Looking for a logback-test.xml in this class path (tests show the packaged jar's view). */
  LogConfigurator(ClassLoader classPath) {
    this.classPath = classPath;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(CONFIG_FILE_PROPERTY) != null || classPath.getResource("logback-test.xml") != null) {
      return ExecutionStatus.NEUTRAL; // logback's file lookup runs next, as without this class
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Configures the context as logback.xml does, reading the {@link LogSetup} properties the same way. */
  static void apply(LoggerContext context) {
    context.getStatusManager().add(new NopStatusListener());
    String target = property(context, LogSetup.TARGET, "System.out");
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setTarget(target);
    if ("JSON".equals(property(context, LogSetup.APPENDER, "TEXT"))) {
      console.setName("JSON");
      console.setEncoder(jsonEncoder(context));
    } else {
      console.setName("TEXT");
      console.setEncoder(textEncoder(context));
    }
    console.start();

    NonBlockingAppender out = new NonBlockingAppender();
    out.setContext(context);
    out.setName("OUT");
    out.addAppender(console);
    out.start();

    context.getLogger("dev.gitlabmcp").setLevel(Level.toLevel(property(context, LogSetup.LEVEL, "INFO")));
    // The audit trail (one line per tool call, docs/audit.md) stays on whatever LOG_LEVEL says.
    context.getLogger("dev.gitlabmcp.audit").setLevel(Level.INFO);
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.WARN);
    // Vert.x registers its gauges again on each use (vertx-micrometer-metrics#259): the warning is noise.
    context.getLogger("io.micrometer.core.instrument.MeterRegistry").setLevel(Level.ERROR);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(out);
  }

  /** As logback.xml's pattern encoder, its pattern written out in code (TextLayout). */
  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    TextLayout layout = new TextLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }

  /** formattedMessage (values filled in) plus event and fields for our loggers; template and arguments left out. */
  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    KeyValueJsonEncoder encoder = new KeyValueJsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMDC(false);
    encoder.setWithKVPList(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.setFieldsLoggerPrefix("dev.gitlabmcp.");
    encoder.start();
    return encoder;
  }

  /** As logback.xml's {@code ${name:-default}}: the context's property, else the system one, else the environment. */
  private static String property(LoggerContext context, String name, String fallback) {
    String value = context.getProperty(name);
    if (value == null) {
      value = System.getProperty(name);
    }
    if (value == null) {
      value = System.getenv(name);
    }
    return value == null ? fallback : value;
  }
}
