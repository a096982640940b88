package dev.gitlabmcp.gateway.mcp;

import java.util.Objects;
import java.util.Set;

/**
 * One MCP session as data: immutable, so any replica can read it from a shared store and change it
 * only through {@link SessionStore#update}. It holds no GitLab token: every request authenticates.
 *
 * @param owner the subject of the user who created it when sessions are per user, else null
 * @param instance the GitLab instance it works with; null until bound (then the default)
 * @param toolsets toolsets enabled with discover_tools on top of the gateway's own
 * @param logLevel the level set with logging/setLevel, or null
 */
public record SessionState(String id, String protocolVersion, String clientName, String owner, String instance,
                           Set<String> toolsets, LogLevel logLevel, long createdAtMillis, long lastSeenMillis) {

  public SessionState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(protocolVersion, "protocolVersion");
    clientName = clientName == null ? "unknown" : clientName;
    toolsets = toolsets == null ? Set.of() : Set.copyOf(toolsets);
  }

  public static SessionState create(String id, String protocolVersion, String clientName, String owner,
                                    String instance, long nowMillis) {
    return new SessionState(id, protocolVersion, clientName, owner, instance, Set.of(), null, nowMillis, nowMillis);
  }

  /** The first 8 characters: enough to correlate logs, useless to hijack the session. */
  public String shortId() {
    return shortId(id);
  }

  public static String shortId(String id) {
    return id.length() <= 8 ? id : id.substring(0, 8);
  }

  public SessionState withInstance(String name) {
    return new SessionState(id, protocolVersion, clientName, owner, name, toolsets, logLevel, createdAtMillis,
        lastSeenMillis);
  }

  public SessionState withToolsets(Set<String> enabled) {
    return new SessionState(id, protocolVersion, clientName, owner, instance, enabled, logLevel, createdAtMillis,
        lastSeenMillis);
  }

  public SessionState withLogLevel(LogLevel level) {
    return new SessionState(id, protocolVersion, clientName, owner, instance, toolsets, level, createdAtMillis,
        lastSeenMillis);
  }

  public SessionState seenAt(long nowMillis) {
    return new SessionState(id, protocolVersion, clientName, owner, instance, toolsets, logLevel, createdAtMillis,
        nowMillis);
  }
}
