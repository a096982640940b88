package dev.gitlabmcp.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import dev.gitlabmcp.gateway.testing.TestGateway;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads in the log of a normal start, with the production logging configuration
 * (logback.xml, not the tests' one): no warning about meters registered twice.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StartupNoiseTest {

  private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();

  @BeforeEach
  void productionLogging() throws JoranException {
    configure("/logback.xml");
  }

  @AfterEach
  void testLogging() throws JoranException {
    configure("/logback-test.xml");
  }

  private void configure(String resource) throws JoranException {
    logging.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(logging);
    configurator.doConfigure(StartupNoiseTest.class.getResource(resource));
  }

  @Test
  void should_start_and_serve_without_a_gauge_registration_warning() {
    Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(logging);
    captured.start();
    root.addAppender(captured);
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9")) {
      gw.running().metrics().scrape();
    } finally {
      root.detachAppender(captured);
    }

    List<String> lines = captured.list.stream().map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
        .filter(m -> m.contains("already registered")).toList();
    assertEquals(List.of(), lines);
    // Micrometer warns once per JVM, so an earlier test may have used it up: the logger must be closed too.
    assertFalse(logging.getLogger("io.micrometer.core.instrument.MeterRegistry").isEnabledFor(Level.WARN),
        "Micrometer's gauge re-registration warning would reach the log");
  }
}
