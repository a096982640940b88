package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * Fan-out of {@link SessionEvent}s by session id to every replica: a DELETE, a
 * {@code notifications/cancelled} or a {@code tools/list_changed} handled on one replica reaches the
 * replica that holds the session's stream or running call. In memory this is the local event bus; a
 * shared implementation (Redis pub/sub) carries events between processes and then delivers them the same way.
 */
public interface SessionEvents {

  /** Delivers the event to every replica's subscribers of its session (and, for CANCEL, to the running call). */
  Future<Void> publish(SessionEvent event);

  /**
   * Receives CLOSE and NOTIFY events of one session on this replica, on the caller's context.
   *
   * @return call {@code unregister} when the stream ends
   */
  Subscription subscribe(String sessionId, Handler<SessionEvent> handler);

  /** A subscription to cancel. */
  interface Subscription {
    void unregister();
  }
}
