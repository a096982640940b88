package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.GrantStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * {@link GrantStore} in Redis: one hash per grant that Redis expires when the grant does, written by one
 * Lua script ({@code grant.lua}) that compares versions and keeps a per-key-id index, so two replicas
 * refreshing one grant never both win and {@link #countByKeyId} needs no scan. Keys are
 * {@code prefix{grants}:...}, one hash tag, so the script works on Redis Cluster. The stored value is the
 * record: sealed tokens and keyed hashes, never a token in clear.
 */
public final class RedisGrantStore implements GrantStore {

  private final Redis redis;
  private final String prefix;
  private final LongSupplier clock;
  private final RedisScripts script = RedisScripts.load("grant");

  /**
   * @param prefix REDIS_KEY_PREFIX
   * @param clock epoch millis; judges expiry the way the memory store does (tests pass their own)
   */
  public RedisGrantStore(Redis redis, String prefix, LongSupplier clock) {
    this.redis = redis;
    this.prefix = prefix + "{grants}:";
    this.clock = clock;
  }

  private String grantKey(String id) {
    return prefix + "g:" + id;
  }

  private Future<Response> run(String op, String id, List<String> more) {
    List<String> args = new ArrayList<>(List.of(op, prefix + "kid:", Long.toString(clock.getAsLong())));
    args.addAll(more);
    List<String> keys = id == null ? List.of(prefix + "kids") : List.of(prefix + "kids", grantKey(id));
    return script.run(redis, keys, args);
  }

  private static List<String> write(GrantRecord g) {
    return List.of(g.id(), OAuthRecords.encode(g), g.keyId(), Long.toString(g.expiresAt()));
  }

  @Override
  public Future<Void> create(GrantRecord grant) {
    if (grant.version() != 1) {
      return Future.failedFuture(new IllegalArgumentException("a new grant starts at version 1"));
    }
    return run("create", grant.id(), write(grant)).compose(r -> r.toInteger() == 1 ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("grant id exists")));
  }

  @Override
  public Future<GrantRecord> get(String id) {
    if (id == null) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.HMGET).arg(grantKey(id)).arg("json").arg("expires")).map(r -> {
      if (r == null || r.get(0) == null || r.get(1) == null || r.get(1).toLong() <= clock.getAsLong()) {
        return null;
      }
      return OAuthRecords.grant(r.get(0).toString());
    });
  }

  @Override
  public Future<Boolean> replace(GrantRecord next) {
    List<String> args = new ArrayList<>(write(next));
    args.add(Long.toString(next.version() - 1));
    args.add(Long.toString(next.version()));
    return run("replace", next.id(), args).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> remove(String id) {
    if (id == null) {
      return Future.succeededFuture(false);
    }
    return run("remove", id, List.of(id)).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Map<String, Long>> countByKeyId() {
    return run("count", null, List.of()).map(r -> {
      Map<String, Long> counts = new TreeMap<>();
      for (int i = 0; r != null && i + 1 < r.size(); i += 2) {
        counts.put(r.get(i).toString(), r.get(i + 1).toLong());
      }
      return counts;
    });
  }

  /** Redis expires grants by itself, and {@link #countByKeyId} prunes its index as it counts. */
  @Override
  public Future<Long> purgeExpired(long nowMillis) {
    return Future.succeededFuture(0L);
  }
}
