package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.oauth.GrantTokensTest;
import dev.gitlabmcp.gateway.state.MemoryClientStore;
import dev.gitlabmcp.gateway.state.MemoryConsentStore;
import dev.gitlabmcp.gateway.state.OAuthState;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * The GitLab-token refresh single-flight with replicas sharing a real Redis: the lock is a Redis key
 * (SET NX PX, compare-and-delete) and the grant a Redis hash written by version compare-and-set.
 */
class RedisGrantTokensTest extends GrantTokensTest {

  @Override
  protected OAuthState newState() {
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestRedis.get().url())
        .setMaxPoolWaiting(1024));
    String prefix = TestRedis.freshPrefix();
    return new OAuthState(new RedisTransientStore(redis, prefix), new MemoryClientStore(),
        new RedisGrantStore(redis, prefix, clock::millis), new MemoryConsentStore());
  }
}
