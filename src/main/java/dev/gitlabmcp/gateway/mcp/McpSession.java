package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.gitlab.Credential;
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
  private final Set<String> toolsets = ConcurrentHashMap.newKeySet();
  private final WindowLimiter limiter = new WindowLimiter();
  private final String owner;
  private volatile Credential credential;
  private volatile String instance;

  public McpSession(String id, String protocolVersion, String clientName, long nowMillis) {
    this(id, protocolVersion, clientName, nowMillis, null, null);
  }

  /**
   * @param owner the subject of the GitLab user who created it (remote authorization), or null
   * @param credential that user's token, kept until the session idles past the timeout
   */
  public McpSession(String id, String protocolVersion, String clientName, long nowMillis, String owner,
                    Credential credential) {
    this.id = Objects.requireNonNull(id, "id");
    this.protocolVersion = Objects.requireNonNull(protocolVersion, "protocolVersion");
    this.clientName = clientName == null ? "unknown" : clientName;
    this.createdAtMillis = nowMillis;
    this.lastSeenMillis = nowMillis;
    this.owner = owner;
    this.credential = credential;
  }

  /** The subject of the user the session belongs to; null when sessions are not per user. */
  public String owner() {
    return owner;
  }

  public boolean authenticated() {
    return credential != null;
  }

  /** Stores the caller's current token: a new token of the same user replaces the old one. */
  public void credential(Credential c) {
    this.credential = c;
  }

  /** Wipes the stored token (idle timeout); the next request re-authenticates with its header. */
  public void forgetCredential() {
    this.credential = null;
  }

  /** The GitLab instance the session works with; null until bound (then the default instance). */
  public String instance() {
    return instance;
  }

  /** Binds the session to an instance (at initialize, or switch_instance in server-token mode). */
  public void instance(String name) {
    this.instance = name;
  }

  /** Toolsets this session enabled with discover_tools, on top of the gateway's own. */
  public Set<String> toolsets() {
    return toolsets;
  }

  public WindowLimiter limiter() {
    return limiter;
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
