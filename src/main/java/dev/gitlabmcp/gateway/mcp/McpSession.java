package dev.gitlabmcp.gateway.mcp;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One MCP session. Shared by the HTTP verticles (any of them may serve its next request), so its
 * few mutable fields are volatile or concurrent.
 */
public final class McpSession {

  private final String id;
  private final String protocolVersion;
  private final String clientName;
  private final long createdAtMillis;
  private volatile long lastSeenMillis;
  private volatile LogLevel logLevel;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  public McpSession(String id, String protocolVersion, String clientName, long nowMillis) {
    this.id = Objects.requireNonNull(id, "id");
    this.protocolVersion = Objects.requireNonNull(protocolVersion, "protocolVersion");
    this.clientName = clientName == null ? "unknown" : clientName;
    this.createdAtMillis = nowMillis;
    this.lastSeenMillis = nowMillis;
  }

  public String id() {
    return id;
  }

  /** The first 8 characters: enough to correlate logs, useless to hijack the session. */
  public String shortId() {
    return id.length() <= 8 ? id : id.substring(0, 8);
  }

  public String protocolVersion() {
    return protocolVersion;
  }

  public String clientName() {
    return clientName;
  }

  public long createdAtMillis() {
    return createdAtMillis;
  }

  public long lastSeenMillis() {
    return lastSeenMillis;
  }

  public void touch(long nowMillis) {
    lastSeenMillis = nowMillis;
  }

  public LogLevel logLevel() {
    return logLevel;
  }

  public void logLevel(LogLevel level) {
    this.logLevel = level;
  }

  /** The call id under which a request's GitLab call runs, for cancellation. */
  public String callId(Object requestId) {
    return id + ":" + requestId;
  }

  public void started(String requestKey) {
    inFlight.add(requestKey);
  }

  /** Marks an in-flight request cancelled; false when it is not running. */
  public boolean cancel(String requestKey) {
    if (inFlight.contains(requestKey)) {
      cancelled.add(requestKey);
      return true;
    }
    return false;
  }

  /** Ends a request; true when it had been cancelled meanwhile. */
  public boolean finished(String requestKey) {
    inFlight.remove(requestKey);
    return cancelled.remove(requestKey);
  }
}
