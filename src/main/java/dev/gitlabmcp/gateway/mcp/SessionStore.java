package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.limit.RateLimiter;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where MCP sessions live: in memory for one process, or a shared store so any replica serves any
 * request. Every method is asynchronous. A session expires after {@code ttl} of inactivity inside the
 * store; {@link #touch} restarts that clock.
 */
public interface SessionStore {

  /** Why a session could not be created. */
  final class Full extends RuntimeException {

    private final boolean perOwner;
    private final int limit;

    public Full(boolean perOwner, int limit) {
      super(perOwner ? "owner quota reached" : "capacity reached", null, false, false);
      this.perOwner = perOwner;
      this.limit = limit;
    }

    /** True when the owner's own quota is reached, false when the whole gateway is full. */
    public boolean perOwner() {
      return perOwner;
    }

    public int limit() {
      return limit;
    }
  }

  /**
   * Adds a session unless the store holds {@code maxSessions} already, or its owner holds
   * {@code maxPerOwner} (owners only: sessions without an owner count towards the total alone).
   * Fails with {@link Full} then.
   */
  Future<SessionState> create(SessionState session, int maxSessions, int maxPerOwner);

  /** The session, or null when unknown, ended or expired. */
  Future<SessionState> get(String id);

  /**
   * Applies a change atomically (no concurrent change is lost) and returns the new state, or null when
   * the session is gone.
   */
  Future<SessionState> update(String id, UnaryOperator<SessionState> change);

  /**
   * Marks the session active now; its idle expiry starts over. Takes the state the caller just read, so a
   * shared store needs no second read (a session's id and owner never change).
   */
  Future<Void> touch(SessionState session);

  /**
   * Takes {@code cost} units of the session's per-minute window ({@code "s:" + id} in {@code window}) and,
   * when they fit, marks the session active. A shared store does both in one round trip (its own window,
   * under the same failure policy as {@link RateLimiter}: open when the store cannot answer).
   */
  default Future<RateLimiter.Decision> chargeAndTouch(SessionState session, RateLimiter window, int limit, int cost) {
    return window.acquire("s:" + session.id(), limit, cost).map(d -> {
      if (d.allowed()) {
        touch(session);
      }
      return d;
    });
  }

  /** A session read together with a charge of its window; {@code decision} is null when nothing was charged. */
  record Charged(SessionState session, RateLimiter.Decision decision) {
  }

  /**
   * The session (null when unknown, ended or expired) and, from a store that does both in one round trip,
   * {@code cost} units of its window taken and the session marked active when they fit, as {@link #chargeAndTouch}
   * does; other stores charge nothing here (a null decision). The caller checks who calls only after the read,
   * so what a request then does not use goes back with {@link #refund}.
   */
  default Future<Charged> getAndCharge(String id, RateLimiter window, int limit, int cost) {
    return get(id).map(s -> new Charged(s, null));
  }

  /**
   * Gives back {@code cost} units {@link #getAndCharge} took from the session's window (the gateway waits for it
   * before answering a refusal; should it fail, they stay taken until the window ends). The activity mark stays: it
   * only delays the idle expiry.
   */
  default Future<Void> refund(String id, int cost) {
    return Future.succeededFuture();
  }

  /** Ends a session; true when it existed. */
  Future<Boolean> remove(String id);

  /** How many sessions are alive. */
  Future<Integer> count();

  /**
   * Removes the sessions idle past the TTL and returns their ids, so their streams can be closed. A
   * store whose entries expire on their own (Redis TTLs) may return an empty list.
   */
  Future<List<String>> expire();
}
