package dev.gitlabmcp.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.gitlabmcp.gateway.config.RedisTopology;
import dev.gitlabmcp.gateway.mcp.ProtocolVersions;
import dev.gitlabmcp.gateway.mcp.SessionState;
import dev.gitlabmcp.gateway.mcp.SessionStore;
import dev.gitlabmcp.gateway.state.StoreAwait;
import dev.gitlabmcp.gateway.testing.TestRedis;
import dev.gitlabmcp.gateway.testing.TestRedisSentinel;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Through a real Sentinel (REDIS_MODE=sentinel, REDIS_MASTER_NAME): the client asks the Sentinel for the
 * master and the stores pass their contracts there.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisSentinelTest {

  private static final Vertx VERTX = Vertx.vertx();
  private static final Redis REDIS = Redis.createClient(VERTX, RedisClients.options(TestRedisSentinel.get().url(),
      new RedisTopology("sentinel", List.of(), TestRedisSentinel.MASTER_NAME)));

  @AfterAll
  static void close() {
    REDIS.close();
    VERTX.close();
  }

  @Nested
  class Sessions extends RedisContracts.Sessions {
    Sessions() {
      super(REDIS);
    }
  }

  @Nested
  class Transient extends RedisContracts.Transient {
    Transient() {
      super(REDIS);
    }
  }

  @Test
  void should_follow_the_sentinels_to_the_promoted_replica_when_the_master_dies() throws Exception {
    TestRedisSentinel own = TestRedisSentinel.startWithReplica();
    Redis client = Redis.createClient(VERTX, RedisClients.options(own.url(),
        new RedisTopology("sentinel", List.of(), TestRedisSentinel.MASTER_NAME)));
    try {
      SessionStore store = new RedisSessionStore(client, TestRedis.freshPrefix(), 600_000, System::currentTimeMillis);
      SessionState s = SessionState.create("s1", ProtocolVersions.LATEST, "c", "user:1", null,
          System.currentTimeMillis());
      StoreAwait.await(store.create(s, 10, 10));
      StoreAwait.await(client.send(Request.cmd(Command.WAIT).arg(1).arg(5000))); // the replica has it
      own.killMaster();
      long t0 = System.nanoTime();
      SessionState found = null;
      while (found == null && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(40)) {
        try {
          found = StoreAwait.await(store.get("s1"));
        } catch (RuntimeException notYet) {
          Thread.sleep(200);
        }
      }
      assertNotNull(found, "the session is read from the promoted replica");
      StoreAwait.await(store.touch(found)); // and written there
      System.out.printf("sentinel failover: serving again after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    } finally {
      client.close();
      own.stop();
    }
  }
}
