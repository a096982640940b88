package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.gitlab.RegistryClient;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls running on this replica, by call key, with their cancel flags: what only the
 * replica that runs a call can hold. A cancel resets the call's GitLab request; the call then answers
 * "Request cancelled".
 */
public final class InFlightCalls {

  private static final class Call {
    final boolean idempotent;
    volatile boolean cancelled;

    Call(boolean idempotent) {
      this.idempotent = idempotent;
    }
  }

  private final ConcurrentHashMap<String, Call> calls = new ConcurrentHashMap<>();
  private final RegistryClient registry;

  public InFlightCalls(RegistryClient registry) {
    this.registry = registry;
  }

  /**
   * @param idempotent whether repeating the call is harmless (then a client disconnect may cancel it)
   */
  public void started(String callKey, boolean idempotent) {
    calls.put(callKey, new Call(idempotent));
  }

  /**
   * Cancels a running call; false when it is not running here. A client that merely went away
   * cancels only idempotent calls: cancelling a write midway leaves its outcome unknown, and the
   * client's retry would repeat it.
   *
   * @param onlyIdempotent true for a disconnect, false for an explicit notifications/cancelled
   */
  public boolean cancel(String callKey, boolean onlyIdempotent) {
    Call c = callKey == null ? null : calls.get(callKey);
    if (c == null || (onlyIdempotent && !c.idempotent)) {
      return false;
    }
    c.cancelled = true;
    registry.cancel(callKey);
    return true;
  }

  /** Ends a call; true when it had been cancelled meanwhile. */
  public boolean finished(String callKey) {
    Call c = calls.remove(callKey);
    return c != null && c.cancelled;
  }

  public int size() {
    return calls.size();
  }
}
