package dev.gitlabmcp.gateway.ops.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;

/**
 * A logger context configured as the packaged gateway's: the production logback.xml (the test
 * classpath's logback-test.xml would win the default lookup) with the properties Main sets.
 */
final class ProductionLogging {

  private ProductionLogging() {
  }

  static LoggerContext start(String format, boolean stdio) throws JoranException {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // as logback sets it for the JVM-wide context
    LogSetup.properties(format, "info", stdio).forEach(context::putProperty);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(ProductionLogging.class.getResource("/logback.xml"));
    return context;
  }
}
