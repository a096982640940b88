package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.limit.MemoryRateLimiter;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.mcp.InFlightCalls;
import dev.gitlabmcp.gateway.mcp.LocalSessionEvents;
import dev.gitlabmcp.gateway.mcp.MemorySessionStore;
import dev.gitlabmcp.gateway.mcp.SessionEvents;
import dev.gitlabmcp.gateway.mcp.SessionStore;
import dev.gitlabmcp.gateway.ops.ReadinessCheck;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.auth.SharedIdentities;
import dev.gitlabmcp.gateway.redis.RedisClients;
import dev.gitlabmcp.gateway.redis.RedisIdentities;
import dev.gitlabmcp.gateway.redis.RedisRateLimiter;
import dev.gitlabmcp.gateway.redis.RedisSessionEvents;
import dev.gitlabmcp.gateway.redis.RedisSessionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.function.Supplier;

/**
 * The stores for state that replicas may share, chosen once from the configuration: this process's
 * memory (the default, no setup), or Redis when REDIS_URL is set, so any replica serves any request.
 *
 * @param redis the one Redis client (pool) of this process, for other stores to share; null without REDIS_URL
 * @param database the one PostgreSQL pool of this process (durable state, audit), migrated when the gateway
 *     starts; null without DATABASE_URL
 */
public record SharedState(SessionStore sessions, SessionEvents events, Supplier<RateLimiter> limiters,
                          Supplier<Future<Void>> starter, List<ReadinessCheck> readiness,
                          SharedIdentities identities, Redis redis, Database database) {

  public static SharedState create(Vertx vertx, GatewayConfig cfg, InFlightCalls inFlight) {
    long ttl = cfg.sessionTimeoutSeconds() * 1000L;
    Database database = cfg.database() == null ? null
        : Database.open(vertx, cfg.database(), cfg.databasePoolSize());
    if (!cfg.redisUrl().isSet()) {
      return new SharedState(new MemorySessionStore(ttl, System::currentTimeMillis),
          new LocalSessionEvents(vertx, inFlight), MemoryRateLimiter::new, Future::succeededFuture, List.of(),
          SharedIdentities.NONE, null, database);
    }
    RedisOptions options = RedisClients.options(cfg.redisUrl().reveal(), cfg.redisTopology());
    Redis redis = RedisClients.create(vertx, options);
    Redis subscriber = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1));
    String prefix = cfg.redisKeyPrefix();
    RedisSessionEvents events = new RedisSessionEvents(vertx, inFlight, redis, subscriber, prefix);
    RedisIdentities identities = new RedisIdentities(redis, prefix, cfg.tokenCacheSeconds());
    return new SharedState(new RedisSessionStore(redis, prefix, ttl, System::currentTimeMillis), events,
        () -> new RedisRateLimiter(redis, prefix), () -> events.start().compose(v -> identities.start()),
        List.of(new ReadinessCheck("redis", () -> redis.send(Request.cmd(Command.PING)).mapEmpty())), identities,
        redis, database);
  }

  /** A new limiter on this state's backend (each use gets its own: their keys never mix). */
  public RateLimiter limiter() {
    return limiters.get();
  }

  /** Connects what must be connected before requests arrive (the event subscription). */
  public Future<Void> start() {
    return starter.get();
  }
}
