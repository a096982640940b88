package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Something that must reach whichever replica holds a session's stream or running call: close the
 * session's streams, send it a notification, or cancel one of its calls.
 *
 * @param notification the JSON-RPC notification for NOTIFY, else null
 * @param callKey the running call for CANCEL ({@link CallContext#callKey}), else null
 */
public record SessionEvent(Type type, String sessionId, JsonObject notification, String callKey) {

  public enum Type { CLOSE, NOTIFY, CANCEL }

  public SessionEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sessionId, "sessionId");
  }

  public static SessionEvent close(String sessionId) {
    return new SessionEvent(Type.CLOSE, sessionId, null, null);
  }

  public static SessionEvent notify(String sessionId, JsonObject notification) {
    return new SessionEvent(Type.NOTIFY, sessionId, Objects.requireNonNull(notification, "notification"), null);
  }

  public static SessionEvent cancel(String sessionId, String callKey) {
    return new SessionEvent(Type.CANCEL, sessionId, null, Objects.requireNonNull(callKey, "callKey"));
  }

  /** As a JSON object, for stores that carry events between processes. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("type", type.name()).put("session", sessionId);
    if (notification != null) {
      o.put("notification", notification);
    }
    if (callKey != null) {
      o.put("call", callKey);
    }
    return o;
  }

  /** The event in a JSON object from {@link #toJson}; null when it is not one. */
  public static SessionEvent fromJson(JsonObject o) {
    try {
      return new SessionEvent(Type.valueOf(o.getString("type")), o.getString("session"),
          o.getJsonObject("notification"), o.getString("call"));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
