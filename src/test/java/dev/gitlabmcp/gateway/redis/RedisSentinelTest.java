package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.config.RedisTopology;
import dev.gitlabmcp.gateway.testing.TestRedisSentinel;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;

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
}
