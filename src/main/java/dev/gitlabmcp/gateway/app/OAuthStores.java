package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.pg.PgClientStore;
import dev.gitlabmcp.gateway.pg.PgConsentStore;
import dev.gitlabmcp.gateway.pg.PgGrantStore;
import dev.gitlabmcp.gateway.state.GrantStore;
import dev.gitlabmcp.gateway.state.OAuthState;
import io.vertx.core.Vertx;
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

  /** The database of durable state when DATABASE_URL is set, else null (no connection is made yet). */
  public static Database database(Vertx vertx, GatewayConfig cfg) {
    DatabaseUrl url = cfg.database();
    return url == null ? null : Database.open(vertx, url, cfg.databasePoolSize());
  }

  /** @param database the database of {@link #database}, or null */
  public static OAuthState create(Vertx vertx, GatewayConfig cfg, Database database) {
    // Backends beyond memory are added here (Redis: redis package; PostgreSQL: pg package).
    LongSupplier clock = System::currentTimeMillis;
    OAuthState memory = OAuthState.memory(clock);
    if (database == null) {
      return memory;
    }
    return new OAuthState(memory.transients(), new PgClientStore(database), new PgGrantStore(database, clock),
        new PgConsentStore(database));
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
        .onSuccess(n -> LOG.info("grants_purged expired={}", n))
        .onFailure(err -> LOG.warn("grants_purge_failed reason={}", err.toString()));
  }
}
