package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.limit.WindowLimiter;
import dev.gitlabmcp.gateway.mcp.LogLevel;
import dev.gitlabmcp.gateway.mcp.SessionState;
import dev.gitlabmcp.gateway.mcp.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Sessions in Redis, so any replica serves any request of any session. Each session is a hash
 * {state, seen, owner}; a sorted set of live sessions (score: when each expires) counts them for
 * MAX_SESSIONS, and one per owner for MAX_SESSIONS_PER_USER. Every key carries the prefix and one hash
 * tag, so the scripts work on Redis Cluster too, and every key has a TTL. A session holds no token.
 */
public final class RedisSessionStore implements SessionStore {

  /** Decoded states kept at most (a few hundred bytes each). */
  static final int DECODED_MAX = 4096;
  /** Sessions one expiry pass takes at most; the next pass takes the rest. */
  static final int EXPIRE_BATCH = 500;
  private static final int UPDATE_ATTEMPTS = 100;
  /**
   * A request marks its session active again only when the last mark is at least this old (and a hundredth of the
   * TTL): the mark is most of the hot script's writes, and a session then expires at most this much early.
   */
  static final long TOUCH_EVERY_MS = 1000;

  private final Redis redis;
  private final String prefix;
  private final long ttlMillis;
  private final LongSupplier clock;
  /** {@link #TOUCH_EVERY_MS}, or a hundredth of a short TTL; as an argument of the hot script. */
  private final String touchEvery;
  private final RedisScripts create = RedisScripts.load("session_create");
  private final RedisScripts touch = RedisScripts.load("session_touch");
  private final RedisScripts update = RedisScripts.load("session_update");
  private final RedisScripts remove = RedisScripts.load("session_remove");
  private final RedisScripts expire = RedisScripts.load("session_expire");
  private final RedisScripts count = RedisScripts.load("session_count");
  private final RedisScripts touchCharge = RedisScripts.load("session_touch_charge");
  private final RedisScripts getCharge = RedisScripts.load("session_get_charge");
  private final RedisScripts refund = RedisScripts.load("window_refund");
  private final AtomicLong failedOpen = new AtomicLong();
  /**
   * Sessions decoded from their stored JSON, by that JSON: a session's state rarely changes, so a request
   * reuses the last decoding (parsing it was about 4 % of a tool call's CPU). Bounded: dropped whole when full.
   */
  private final ConcurrentMap<String, SessionState> decoded = new ConcurrentHashMap<>();

  /**
   * @param prefix REDIS_KEY_PREFIX; keys are {@code prefix{sessions}:...}
   * @param clock milliseconds; tests pass their own
   */
  public RedisSessionStore(Redis redis, String prefix, long ttlMillis, LongSupplier clock) {
    this.redis = redis;
    this.prefix = prefix + "{sessions}:";
    this.ttlMillis = ttlMillis;
    this.clock = clock;
    this.touchEvery = Long.toString(Math.min(TOUCH_EVERY_MS, ttlMillis / 100));
  }

  private String live() {
    return prefix + "live";
  }

  private String ownerKey(String owner) {
    return prefix + "owner:" + (owner == null ? "-" : owner);
  }

  private String sessionKey(String id) {
    return prefix + "s:" + id;
  }

  @Override
  public Future<SessionState> create(SessionState s, int maxSessions, int maxPerOwner) {
    long now = clock.getAsLong();
    List<String> args = List.of(Long.toString(now), Long.toString(ttlMillis), Integer.toString(maxSessions),
        Integer.toString(maxPerOwner), s.id(), encode(s), Long.toString(s.lastSeenMillis()),
        s.owner() == null ? "0" : "1", s.owner() == null ? "" : s.owner());
    return create.run(redis, List.of(live(), ownerKey(s.owner()), sessionKey(s.id())), args).compose(r -> {
      String outcome = r.toString();
      if ("ok".equals(outcome)) {
        return Future.succeededFuture(s);
      }
      boolean owner = "owner".equals(outcome);
      return Future.failedFuture(new Full(owner, owner ? maxPerOwner : maxSessions));
    });
  }

  @Override
  public Future<SessionState> get(String id) {
    if (id == null) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.HMGET).arg(sessionKey(id)).arg("state").arg("seen")).map(r -> {
      if (r == null || r.size() < 2 || r.get(0) == null || r.get(1) == null) {
        return null;
      }
      long seen = r.get(1).toLong();
      return seen + ttlMillis <= clock.getAsLong() ? null : decodeCached(r.get(0).toString(), seen);
    });
  }

  @Override
  public Future<SessionState> update(String id, UnaryOperator<SessionState> change) {
    return update(id, change, UPDATE_ATTEMPTS);
  }

  /** Read, change, compare-and-set; a concurrent change makes it read again. */
  private Future<SessionState> update(String id, UnaryOperator<SessionState> change, int attempts) {
    return redis.send(Request.cmd(Command.HMGET).arg(sessionKey(id)).arg("state").arg("seen")).compose(r -> {
      if (r == null || r.get(0) == null || r.get(1) == null) {
        return Future.succeededFuture(null);
      }
      String before = r.get(0).toString();
      SessionState current = decode(before, r.get(1).toLong());
      SessionState next = change.apply(current);
      if (!next.id().equals(current.id()) || !java.util.Objects.equals(next.owner(), current.owner())) {
        return Future.failedFuture(new IllegalArgumentException("a session's id and owner never change"));
      }
      return update.run(redis, List.of(sessionKey(id)), List.of(before, encode(next))).compose(done -> {
        int outcome = done.toInteger();
        if (outcome == 1) {
          return Future.succeededFuture(next);
        }
        if (outcome < 0) {
          return Future.succeededFuture(null);
        }
        return attempts > 1 ? update(id, change, attempts - 1)
            : Future.failedFuture(new IllegalStateException("session changed concurrently too often"));
      });
    });
  }

  @Override
  public Future<Void> touch(SessionState s) {
    // One script, no read first: the script checks the session is still alive.
    return touch.run(redis, List.of(live(), ownerKey(s.owner()), sessionKey(s.id())),
        List.of(Long.toString(clock.getAsLong()), Long.toString(ttlMillis), s.id(), s.owner() == null ? "0" : "1"))
        .mapEmpty();
  }

  /**
   * One script charges the session's window (kept beside the session, same hash tag) and touches the
   * session. Failure policy as {@link RedisRateLimiter}: when Redis cannot answer, allowed and counted.
   */
  @Override
  public Future<RateLimiter.Decision> chargeAndTouch(SessionState s, RateLimiter window, int limit, int cost) {
    return touchCharge.run(redis, List.of(live(), ownerKey(s.owner()), sessionKey(s.id()), windowKey(s.id())),
            List.of(Long.toString(clock.getAsLong()), Long.toString(ttlMillis), s.id(), s.owner() == null ? "0" : "1",
                Integer.toString(limit), Integer.toString(cost), Long.toString(WindowLimiter.WINDOW_MS)))
        .map(r -> RedisRateLimiter.decision(r, limit))
        .otherwise(err -> {
          failedOpen.incrementAndGet();
          return new RateLimiter.Decision(true, limit, limit, 60);
        });
  }

  /**
   * One script reads the session and, when it is alive, charges its window and touches it (unless it was touched
   * less than {@link #TOUCH_EVERY_MS} ago): a request's one round trip. When Redis cannot answer, the read fails
   * (the caller answers 503), as {@link #get} does.
   */
  @Override
  public Future<Charged> getAndCharge(String id, RateLimiter window, int limit, int cost) {
    if (id == null) {
      return Future.succeededFuture(new Charged(null, null));
    }
    return getCharge.run(redis, List.of(live(), sessionKey(id), windowKey(id)), List.of(
            Long.toString(clock.getAsLong()), Long.toString(ttlMillis), id, Integer.toString(limit),
            Integer.toString(cost), Long.toString(WindowLimiter.WINDOW_MS), prefix + "owner:", touchEvery))
        .map(r -> r == null || r.size() < 5 ? new Charged(null, null) : new Charged(
            decodeCached(r.get(0).toString(), r.get(1).toLong()), RedisRateLimiter.decision(r, 2, limit)));
  }

  @Override
  public Future<Void> refund(String id, int cost) {
    return refund.run(redis, List.of(windowKey(id)), List.of(Integer.toString(cost))).mapEmpty();
  }

  private String windowKey(String id) {
    return prefix + "w:" + id;
  }

  /** Window decisions allowed because Redis could not answer. */
  public long failedOpen() {
    return failedOpen.get();
  }

  @Override
  public Future<Boolean> remove(String id) {
    if (id == null) {
      return Future.succeededFuture(false);
    }
    return redis.send(Request.cmd(Command.HGET).arg(sessionKey(id)).arg("state")).compose(r -> {
      String owner = r == null ? null : decode(r.toString(), 0).owner();
      return remove.run(redis, List.of(live(), ownerKey(owner), sessionKey(id)),
          List.of(id, owner == null ? "0" : "1")).map(done -> done.toInteger() == 1 && r != null);
    });
  }

  @Override
  public Future<Integer> count() {
    return count.run(redis, List.of(live()), List.of(Long.toString(clock.getAsLong()))).map(Response::toInteger);
  }

  @Override
  public Future<List<String>> expire() {
    return expire.run(redis, List.of(live()), List.of(Long.toString(clock.getAsLong()),
        Integer.toString(EXPIRE_BATCH))).compose(r -> {
          List<String> ids = new ArrayList<>();
          if (r != null) {
            for (Response id : r) {
              ids.add(id.toString());
            }
          }
          return dropExpired(ids).map(ids);
        });
  }

  /** The hashes of expired sessions would linger until their own TTL: delete them now, with owner entries. */
  private Future<Void> dropExpired(List<String> ids) {
    List<Future<Boolean>> all = new ArrayList<>();
    for (String id : ids) {
      all.add(remove(id));
    }
    return Future.join(all).mapEmpty();
  }

  private SessionState decodeCached(String json, long seen) {
    SessionState known = decoded.get(json);
    if (known != null) {
      return known.seenAt(seen);
    }
    SessionState s = decode(json, seen);
    if (decoded.size() >= DECODED_MAX) {
      decoded.clear();
    }
    decoded.put(json, s);
    return s;
  }

  static String encode(SessionState s) {
    JsonObject o = new JsonObject().put("id", s.id()).put("v", s.protocolVersion()).put("client", s.clientName())
        .put("created", s.createdAtMillis()).put("toolsets", new JsonArray(new ArrayList<>(s.toolsets())));
    if (s.owner() != null) {
      o.put("owner", s.owner());
    }
    if (s.instance() != null) {
      o.put("instance", s.instance());
    }
    if (s.logLevel() != null) {
      o.put("log", s.logLevel().wire());
    }
    return o.encode();
  }

  static SessionState decode(String json, long seen) {
    JsonObject o = new JsonObject(json);
    Set<String> toolsets = new HashSet<>();
    o.getJsonArray("toolsets", new JsonArray()).forEach(t -> toolsets.add(String.valueOf(t)));
    return new SessionState(o.getString("id"), o.getString("v"), o.getString("client"), o.getString("owner"),
        o.getString("instance"), toolsets, LogLevel.parse(o.getValue("log")), o.getLong("created", seen), seen);
  }
}
