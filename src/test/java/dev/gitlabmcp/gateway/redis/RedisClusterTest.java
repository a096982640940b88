package dev.gitlabmcp.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.RedisTopology;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.mcp.SessionStore;
import dev.gitlabmcp.gateway.mcp.SessionStoreContract;
import dev.gitlabmcp.gateway.state.GrantStore;
import dev.gitlabmcp.gateway.state.GrantStoreContract;
import dev.gitlabmcp.gateway.state.StoreAwait;
import dev.gitlabmcp.gateway.testing.TestRedis;
import dev.gitlabmcp.gateway.testing.TestRedisCluster;
import dev.gitlabmcp.gateway.core.LocalCodec;
import dev.gitlabmcp.gateway.mcp.SessionEvent;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * On a real three-node Redis Cluster (REDIS_MODE=cluster): the session store and the grant store pass
 * their contracts (their multi-key scripts work because their keys share a hash tag), and rate-limit
 * windows spread over the nodes.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisClusterTest {

  private static final Vertx VERTX = Vertx.vertx();
  private static final TestRedisCluster CLUSTER = TestRedisCluster.get();
  private static final Redis REDIS = Redis.createClient(VERTX, RedisClients.options(CLUSTER.url(),
      new RedisTopology("cluster", CLUSTER.otherNodes(), "")));

  @AfterAll
  static void close() {
    REDIS.close();
    VERTX.close();
  }

  @Nested
  class Sessions extends SessionStoreContract {
    @Override
    protected SessionStore newStore(long ttlMillis, LongSupplier clock) {
      return new RedisSessionStore(REDIS, TestRedis.freshPrefix(), ttlMillis, clock);
    }
  }

  @Nested
  class Grants extends GrantStoreContract {
    @Override
    protected GrantStore newStore(LongSupplier clock) {
      return new RedisGrantStore(REDIS, TestRedis.freshPrefix(), clock);
    }
  }

  @Test
  void should_carry_a_session_event_from_one_replica_to_another() throws Exception {
    String prefix = TestRedis.freshPrefix();
    Vertx other = Vertx.vertx();
    LocalCodec.register(other, SessionEvent.class);
    RedisOptions options = RedisClients.options(CLUSTER.url(), new RedisTopology("cluster", CLUSTER.otherNodes(), ""));
    Redis otherRedis = Redis.createClient(other, options);
    Redis otherSubscriber = Redis.createClient(other, new RedisOptions(options).setMaxPoolSize(1));
    RedisSessionEvents a = new RedisSessionEvents(VERTX, null, REDIS, REDIS, prefix);
    RedisSessionEvents b = new RedisSessionEvents(other, null, otherRedis, otherSubscriber, prefix);
    try {
      StoreAwait.await(b.start());
      CompletableFuture<SessionEvent> received = new CompletableFuture<>();
      b.subscribe("s1", received::complete);
      StoreAwait.await(a.publish(SessionEvent.close("s1")));
      assertEquals(SessionEvent.Type.CLOSE, received.get(10, TimeUnit.SECONDS).type());
      assertEquals(0, a.publishFailures());
    } finally {
      b.close();
      other.close();
    }
  }

  @Test
  void should_spread_rate_limit_windows_over_the_nodes() {
    String prefix = TestRedis.freshPrefix();
    RateLimiter limiter = new RedisRateLimiter(REDIS, prefix);
    for (int i = 0; i < 30; i++) {
      assertTrue(StoreAwait.await(limiter.acquire("s:session-" + i, 10, 1)).allowed());
    }
    for (int i = 0; i < 9; i++) {
      StoreAwait.await(limiter.acquire("s:session-0", 10, 1));
    }
    assertEquals(false, StoreAwait.await(limiter.acquire("s:session-0", 10, 1)).allowed(), "the window holds");
    Set<Long> slots = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      slots.add(StoreAwait.await(REDIS.send(Request.cmd(Command.CLUSTER).arg("KEYSLOT")
          .arg(prefix + "rl:{s:session-" + i + "}"))).toLong());
    }
    assertTrue(slots.size() > 20, "windows are not all on one slot: " + slots.size());
  }
}
