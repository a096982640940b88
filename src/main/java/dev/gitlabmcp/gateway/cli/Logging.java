package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.ops.log.LogSetup;

/** Logging as the configuration asks for it, set up by the commands before they start anything. */
public final class Logging {

  private Logging() {
  }

  /** Set before the first logger is created: the logging configuration (LogConfigurator) reads these properties. */
  public static void configure(GatewayConfig cfg, boolean stdio) {
    LogSetup.properties(cfg.logFormat(), cfg.logLevel(), stdio).forEach(System::setProperty);
    // Loading the configuration may already have started logback with its defaults (parsing an instances
    // file with Vert.x JSON creates a Vert.x logger): configure it again with the properties set.
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.reset();
      try {
        new ch.qos.logback.classic.util.ContextInitializer(logback).autoConfig();
      } catch (ch.qos.logback.core.joran.spi.JoranException e) {
        System.err.println("gitlab-mcp-gateway: the logging configuration could not be read again: " + e.getMessage());
      }
    }
  }
}
