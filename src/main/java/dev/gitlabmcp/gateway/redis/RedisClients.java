package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.config.RedisTopology;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The one place the Redis client options are built from configuration (REDIS_URL, REDIS_MODE,
 * REDIS_ENDPOINTS, REDIS_MASTER_NAME). Every node is reached with the credentials of REDIS_URL.
 */
public final class RedisClients {

  /** Connections one process opens at most: Redis answers in microseconds, so few carry a lot. */
  public static final int DEFAULT_MAX_POOL_SIZE = 32;

  private RedisClients() {
  }

  /** Options for the shared client of this process (the subscriber copies them with a pool of one). */
  public static RedisOptions options(String url, RedisTopology topology) {
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(DEFAULT_MAX_POOL_SIZE)
        .setMaxPoolWaiting(2048).setMaxWaitingHandlers(4096);
    topology.endpoints().forEach(options::addConnectionString);
    credentials(url, options);
    switch (topology.mode()) {
      case "cluster" -> options.setType(RedisClientType.CLUSTER);
      // The Sentinels are asked for the current master, and again after a failover.
      case "sentinel" -> options.setType(RedisClientType.SENTINEL).setRole(RedisRole.MASTER)
          .setMasterName(topology.masterName()).setAutoFailover(true);
      default -> options.setType(RedisClientType.STANDALONE);
    }
    return options;
  }

  /**
   * The shared client of this process: on one server (standalone), commands from an event loop go over a
   * connection of that loop ({@link EventLoopRedis}); Cluster and Sentinel use the client's own pool, which
   * routes by slot and follows failovers.
   */
  public static Redis create(Vertx vertx, RedisOptions options) {
    return options.getType() == RedisClientType.STANDALONE ? new EventLoopRedis(vertx, options)
        : Redis.createClient(vertx, options);
  }

  /** REDIS_URL's user and password become the default for nodes named without them. */
  private static void credentials(String url, RedisOptions options) {
    String info;
    try {
      info = URI.create(url).getRawUserInfo();
    } catch (IllegalArgumentException e) {
      return; // the client reports the URL itself
    }
    if (info == null || info.isEmpty()) {
      return;
    }
    int colon = info.indexOf(':');
    String user = colon < 0 ? "" : decode(info.substring(0, colon));
    String password = decode(colon < 0 ? info : info.substring(colon + 1));
    if (!user.isEmpty()) {
      options.setUser(user);
    }
    if (!password.isEmpty()) {
      options.setPassword(password);
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
