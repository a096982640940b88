package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.ClientStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@link ClientStore} in Redis. A dynamically registered client lasts {@code ttlMillis} after it was
 * registered or last looked up (a client in use never expires; one registered and abandoned does), kept
 * by one script ({@code client.lua}) with an index that counts clients without a scan. Keys are
 * {@code prefix{clients}:...}; a value holds the registration and the keyed hash of a client secret.
 */
public final class RedisClientStore implements ClientStore {

  /** How long an unused registration is kept. */
  public static final long DEFAULT_TTL_MS = 180L * 24 * 3600 * 1000;

  private final Redis redis;
  private final String prefix;
  private final long ttlMillis;
  private final LongSupplier clock;
  private final RedisScripts script = RedisScripts.load("client");

  /**
   * @param prefix REDIS_KEY_PREFIX
   * @param clock epoch millis (the index's scores)
   */
  public RedisClientStore(Redis redis, String prefix, long ttlMillis, LongSupplier clock) {
    if (ttlMillis <= 0) {
      throw new IllegalArgumentException("a client's time to live must be positive");
    }
    this.redis = redis;
    this.prefix = prefix + "{clients}:";
    this.ttlMillis = ttlMillis;
    this.clock = clock;
  }

  public RedisClientStore(Redis redis, String prefix) {
    this(redis, prefix, DEFAULT_TTL_MS, System::currentTimeMillis);
  }

  private Future<Response> run(String op, String id, String json) {
    List<String> keys = id == null ? List.of(prefix + "all") : List.of(prefix + "all", prefix + "c:" + id);
    List<String> args = new ArrayList<>(List.of(op, Long.toString(clock.getAsLong()), Long.toString(ttlMillis),
        id == null ? "" : id));
    if (json != null) {
      args.add(json);
    }
    return script.run(redis, keys, args);
  }

  @Override
  public Future<Void> put(ClientRecord client) {
    return run("put", client.clientId(), OAuthRecords.encode(client)).mapEmpty();
  }

  @Override
  public Future<ClientRecord> get(String clientId) {
    if (clientId == null) {
      return Future.succeededFuture();
    }
    return run("get", clientId, null).map(r -> r == null ? null : OAuthRecords.client(r.toString()));
  }

  @Override
  public Future<Boolean> remove(String clientId) {
    if (clientId == null) {
      return Future.succeededFuture(false);
    }
    return run("remove", clientId, null).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Long> count() {
    return run("count", null, null).map(Response::toLong);
  }
}
