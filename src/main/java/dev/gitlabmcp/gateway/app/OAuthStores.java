package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.pg.PgClientStore;
import dev.gitlabmcp.gateway.pg.PgConsentStore;
import dev.gitlabmcp.gateway.pg.PgGrantStore;
import dev.gitlabmcp.gateway.redis.RedisClientStore;
import dev.gitlabmcp.gateway.redis.RedisConsentStore;
import dev.gitlabmcp.gateway.redis.RedisGrantStore;
import dev.gitlabmcp.gateway.redis.RedisTransientStore;
import dev.gitlabmcp.gateway.state.GrantStore;
import dev.gitlabmcp.gateway.state.OAuthState;
import dev.gitlabmcp.gateway.state.TransientStore;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses where OAuth state lives (docs/architecture.md, "State"): the durable kinds (clients, grants,
 * consents) in PostgreSQL when DATABASE_URL is set, else in Redis when REDIS_URL is set, else in memory;
 * the transient kind (transactions, codes, locks) in Redis when REDIS_URL is set, else in memory.
 */
public final class OAuthStores {

  private static final Logger LOG = LoggerFactory.getLogger(OAuthStores.class);
  private static final long DAY_MS = 86_400_000L;

  private OAuthStores() {
  }

  /**
   * @param shared the shared state already chosen; its Redis client and database pool are reused, never a
   *     second pool
   */
  public static OAuthState create(Vertx vertx, GatewayConfig cfg, SharedState shared) {
    LongSupplier clock = System::currentTimeMillis;
    OAuthState memory = OAuthState.memory(clock);
    Redis redis = shared.redis();
    String prefix = cfg.redisKeyPrefix();
    TransientStore transients = redis == null ? memory.transients() : new RedisTransientStore(redis, prefix);
    Database database = shared.database();
    if (database != null) {
      return new OAuthState(transients, new PgClientStore(database), new PgGrantStore(database, clock),
          new PgConsentStore(database));
    }
    if (redis == null) {
      return memory;
    }
    return new OAuthState(transients, new RedisClientStore(redis, prefix), new RedisGrantStore(redis, prefix, clock),
        new RedisConsentStore(redis, prefix));
  }

  /**
   * Deletes expired grants now and then once a day (a store without native expiry keeps them until purged;
   * replicas restarted more often than daily still purge at each start); the timer id.
   */
  public static long purgeDaily(Vertx vertx, GrantStore grants) {
    purge(grants);
    return vertx.setPeriodic(DAY_MS, id -> purge(grants));
  }

  private static void purge(GrantStore grants) {
    grants.purgeExpired(System.currentTimeMillis())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("grants_purged expired={}", n);
          }
        })
        .onFailure(err -> LOG.warn("grants_purge_failed reason={}", err.toString()));
  }
}
