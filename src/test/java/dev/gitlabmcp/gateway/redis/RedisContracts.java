package dev.gitlabmcp.gateway.redis;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;

import dev.gitlabmcp.gateway.mcp.SessionStore;
import dev.gitlabmcp.gateway.mcp.SessionStoreContract;
import dev.gitlabmcp.gateway.state.GrantStore;
import dev.gitlabmcp.gateway.state.GrantStoreContract;
import dev.gitlabmcp.gateway.state.TransientStore;
import dev.gitlabmcp.gateway.state.TransientStoreContract;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The store contracts bound to a Redis client, for the test of each Redis deployment (one server, Cluster,
 * Sentinel) to nest; every store under a fresh key prefix. Time in Redis is moved by shortening every key's
 * TTL under that prefix, so expiry is tested without waiting.
 */
final class RedisContracts {

  private RedisContracts() {
  }

  /** Every key under the prefix, by SCAN. */
  static List<String> keys(Redis redis, String prefix) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = await(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*")
          .arg("COUNT").arg(1000)));
      cursor = page.get(0).toString();
      page.get(1).forEach(k -> keys.add(k.toString()));
    } while (!"0".equals(cursor));
    return keys;
  }

  /** Lets {@code millis} pass for Redis: every key under the prefix expires that much sooner. */
  static void advanceRedis(Redis redis, String prefix, long millis) {
    for (String key : keys(redis, prefix)) {
      long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(key))).toLong();
      if (ttl > 0) {
        await(redis.send(ttl - millis > 0 ? Request.cmd(Command.PEXPIRE).arg(key).arg(ttl - millis)
            : Request.cmd(Command.DEL).arg(key)));
      }
    }
  }

  abstract static class Sessions extends SessionStoreContract {
    private final Redis redis;

    Sessions(Redis redis) {
      this.redis = redis;
    }

    @Override
    protected SessionStore newStore(long ttlMillis, LongSupplier clock) {
      return new RedisSessionStore(redis, TestRedis.freshPrefix(), ttlMillis, clock);
    }
  }

  abstract static class Transient extends TransientStoreContract {
    private final Redis redis;
    private final String prefix = TestRedis.freshPrefix();

    Transient(Redis redis) {
      this.redis = redis;
    }

    @Override
    protected TransientStore newStore(LongSupplier clock) {
      return new RedisTransientStore(redis, prefix);
    }

    @Override
    protected void advance(long millis) {
      super.advance(millis);
      advanceRedis(redis, prefix, millis);
    }
  }

  abstract static class Grants extends GrantStoreContract {
    protected final Redis redis;
    protected final String prefix = TestRedis.freshPrefix();

    Grants(Redis redis) {
      this.redis = redis;
    }

    @Override
    protected GrantStore newStore(LongSupplier clock) {
      return new RedisGrantStore(redis, prefix, clock);
    }
  }
}
