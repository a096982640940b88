package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What {@link McpServer} needs to answer one message, whatever the transport and era: who calls, on
 * which instance, in which protocol revision, with which toolsets and log level, and how to change the
 * session (2025 eras) when a method changes it. The stateless 2026-07-28 era builds one from each
 * request's {@code _meta}, with no session behind it.
 *
 * @param sessionId the session, or null for a sessionless request
 * @param callPrefix prefix of the keys under which this context's calls run (see {@link #callKey})
 * @param pinned the request's URL names its instance ({@code /mcp/<name>}): the session cannot move to another
 */
public record CallContext(Principal principal, String era, JsonObject clientCapabilities, Set<String> toolsets,
                          LogLevel logLevel, String sessionId, String callPrefix, Changes changes, boolean pinned) {

  /** Writes a change of the session back to its store; sessionless contexts refuse changes. */
  @FunctionalInterface
  public interface Changes {

    /** The new state, or null when the session is gone. */
    Future<SessionState> update(UnaryOperator<SessionState> change);

    Changes NONE = change -> Future.succeededFuture(null);
  }

  public CallContext {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(era, "era");
    clientCapabilities = clientCapabilities == null ? new JsonObject() : clientCapabilities;
    toolsets = toolsets == null ? Set.of() : toolsets;
    Objects.requireNonNull(callPrefix, "callPrefix");
    changes = changes == null ? Changes.NONE : changes;
  }

  /** A context whose URL does not name an instance. */
  public CallContext(Principal principal, String era, JsonObject clientCapabilities, Set<String> toolsets,
                     LogLevel logLevel, String sessionId, String callPrefix, Changes changes) {
    this(principal, era, clientCapabilities, toolsets, logLevel, sessionId, callPrefix, changes, false);
  }

  /**
   * A context for a request in a session, writing changes through the store.
   *
   * @param pinned the request came to {@code /mcp/<name>}
   */
  public static CallContext of(SessionState s, Principal principal, SessionStore store, boolean pinned) {
    return new CallContext(principal, s.protocolVersion(), null, s.toolsets(), s.logLevel(), s.id(), s.id(),
        change -> store.update(s.id(), change), pinned);
  }

  /** The GitLab instance calls go to: the principal's. */
  public String instance() {
    return principal.instance();
  }

  /** The key a request's GitLab call runs under, for cancellation: unique per session and request id. */
  public String callKey(Object requestId) {
    return callPrefix + ":" + requestId;
  }

  /** For logs: the session's first 8 characters, or "-" without a session. */
  public String shortId() {
    return sessionId == null ? "-" : SessionState.shortId(sessionId);
  }
}
