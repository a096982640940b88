package dev.gitlabmcp.gateway.mcp;

import java.util.Locale;

/** MCP logging levels (RFC 5424 severities), least severe first. */
public enum LogLevel {
  DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

  public static LogLevel parse(Object raw) {
    if (!(raw instanceof String s)) {
      return null;
    }
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a message at this level passes a session threshold (null: the client asked for none). */
  public boolean passes(LogLevel threshold) {
    return threshold != null && ordinal() >= threshold.ordinal();
  }
}
