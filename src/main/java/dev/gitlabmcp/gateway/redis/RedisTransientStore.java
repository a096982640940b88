package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.state.TransientStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * {@link TransientStore} in Redis: one string key per entry with Redis's own expiry (SET PX), taken with
 * GETDEL, locked with SET NX PX, released by a compare-and-delete script. Each operation touches one key,
 * so no hash tag is needed on Redis Cluster and entries spread over its slots. Keys are
 * {@code prefix oauth:t:<caller key>}; callers never put a secret in clear in a key or a value.
 */
public final class RedisTransientStore implements TransientStore {

  private final Redis redis;
  private final String prefix;
  private final RedisScripts removeIf = RedisScripts.load("transient_remove_if");

  /** @param prefix REDIS_KEY_PREFIX */
  public RedisTransientStore(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix + "oauth:t:";
  }

  private String key(String key) {
    return prefix + key;
  }

  @Override
  public Future<Void> put(String key, String value, long ttlMillis) {
    return redis.send(Request.cmd(Command.SET).arg(key(key)).arg(value).arg("PX").arg(Math.max(1, ttlMillis)))
        .mapEmpty();
  }

  @Override
  public Future<String> get(String key) {
    return redis.send(Request.cmd(Command.GET).arg(key(key))).map(RedisTransientStore::text);
  }

  @Override
  public Future<String> take(String key) {
    return redis.send(Request.cmd(Command.GETDEL).arg(key(key))).map(RedisTransientStore::text);
  }

  @Override
  public Future<Boolean> putIfAbsent(String key, String value, long ttlMillis) {
    return redis.send(Request.cmd(Command.SET).arg(key(key)).arg(value).arg("NX").arg("PX")
        .arg(Math.max(1, ttlMillis))).map(r -> r != null);
  }

  @Override
  public Future<Boolean> removeIf(String key, String value) {
    return removeIf.run(redis, List.of(key(key)), List.of(value)).map(r -> r.toInteger() == 1);
  }

  static String text(Response r) {
    return r == null ? null : r.toString();
  }
}
