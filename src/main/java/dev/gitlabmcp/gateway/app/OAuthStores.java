package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.redis.RedisClientStore;
import dev.gitlabmcp.gateway.redis.RedisConsentStore;
import dev.gitlabmcp.gateway.redis.RedisGrantStore;
import dev.gitlabmcp.gateway.redis.RedisTransientStore;
import dev.gitlabmcp.gateway.state.OAuthState;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.function.LongSupplier;

/**
 * Chooses where OAuth state lives (docs/architecture.md, "State"): the durable kinds (clients, grants,
 * consents) in PostgreSQL when DATABASE_URL is set, else in Redis when REDIS_URL is set, else in memory;
 * the transient kind (transactions, codes, locks) in Redis when REDIS_URL is set, else in memory.
 */
public final class OAuthStores {

  private OAuthStores() {
  }

  /** @param shared the shared state already chosen; its Redis client is reused, never a second pool */
  public static OAuthState create(Vertx vertx, GatewayConfig cfg, SharedState shared) {
    LongSupplier clock = System::currentTimeMillis;
    OAuthState memory = OAuthState.memory(clock);
    Redis redis = shared.redis();
    if (redis == null) {
      return memory;
    }
    String prefix = cfg.redisKeyPrefix();
    // PostgreSQL (pg package) takes the durable kinds here when DATABASE_URL is set.
    return new OAuthState(new RedisTransientStore(redis, prefix), new RedisClientStore(redis, prefix),
        new RedisGrantStore(redis, prefix, clock), new RedisConsentStore(redis, prefix));
  }
}
