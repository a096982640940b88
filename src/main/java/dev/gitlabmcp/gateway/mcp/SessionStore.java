package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.Future;
import java.util.List;

/** Where MCP sessions live. Asynchronous so that a shared store can back it. */
public interface SessionStore {

  /** Adds a session unless the store holds maxSessions already; false then. */
  Future<Boolean> create(McpSession session, int maxSessions);

  /** The session, or null when unknown or ended. */
  Future<McpSession> get(String id);

  /** Ends a session; true when it existed. */
  Future<Boolean> remove(String id);

  int size();

  /** The sessions idle since before the cutoff, left in place. */
  List<McpSession> idle(long idleBeforeMillis);

  /** How many sessions hold a caller's token right now. */
  int authenticated();

  /** Removes and returns the sessions idle since before the cutoff. */
  List<McpSession> expire(long idleBeforeMillis);
}
