package dev.gitlabmcp.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** REDIS_MODE, REDIS_ENDPOINTS and REDIS_MASTER_NAME become the client options of the Redis deployment named. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisClientsTest {

  private static GatewayConfig config(Map<String, String> env) {
    return ConfigLoader.withoutDefaultFile(Map.of(), env).load(GatewayConfig.Mode.HTTP).config();
  }

  private static RedisOptions options(Map<String, String> env) {
    GatewayConfig cfg = config(env);
    return RedisClients.options(cfg.redisUrl().reveal(), cfg.redisTopology());
  }

  @Test
  void should_reach_one_server_by_default() {
    RedisOptions o = options(Map.of("REDIS_URL", "redis://:s3cret@redis.internal:6379/2"));
    assertEquals(RedisClientType.STANDALONE, o.getType());
    assertEquals(List.of("redis://:s3cret@redis.internal:6379/2"), o.getEndpoints());
    assertEquals("s3cret", o.getPassword());
  }

  @Test
  void should_seed_a_cluster_client_with_every_node_and_the_credentials_of_redis_url() {
    RedisOptions o = options(Map.of("REDIS_URL", "rediss://gateway:p%40ss@node-0:6379", "REDIS_MODE", "cluster",
        "REDIS_ENDPOINTS", "rediss://node-1:6379, rediss://node-2:6379"));
    assertEquals(RedisClientType.CLUSTER, o.getType());
    assertEquals(List.of("rediss://gateway:p%40ss@node-0:6379", "rediss://node-1:6379", "rediss://node-2:6379"),
        o.getEndpoints());
    assertEquals("gateway", o.getUser());
    assertEquals("p@ss", o.getPassword());
  }

  @Test
  void should_ask_the_sentinels_for_the_named_master_and_follow_failovers() {
    RedisOptions o = options(Map.of("REDIS_URL", "redis://sentinel-0:26379", "REDIS_MODE", "sentinel",
        "REDIS_ENDPOINTS", "redis://sentinel-1:26379,redis://sentinel-2:26379", "REDIS_MASTER_NAME", "gateway"));
    assertEquals(RedisClientType.SENTINEL, o.getType());
    assertEquals("gateway", o.getMasterName());
    assertEquals(RedisRole.MASTER, o.getRole());
    assertTrue(o.isAutoFailover());
    assertEquals(3, o.getEndpoints().size());
    assertNull(o.getPassword());
  }

  @Test
  void should_refuse_an_unknown_mode() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> config(Map.of("REDIS_URL", "redis://r:6379", "REDIS_MODE", "replication")));
    assertTrue(e.getMessage().contains("REDIS_MODE"), e.getMessage());
  }

  @Test
  void should_refuse_credentials_in_an_endpoint_without_showing_them() {
    ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("REDIS_URL", "redis://r:6379",
        "REDIS_MODE", "cluster", "REDIS_ENDPOINTS", "redis://admin:hunter2@node-1:6379")));
    assertTrue(e.getMessage().contains("REDIS_ENDPOINTS"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void should_refuse_endpoints_a_standalone_server_would_ignore() {
    ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("REDIS_URL", "redis://r:6379",
        "REDIS_ENDPOINTS", "redis://node-1:6379")));
    assertTrue(e.getMessage().contains("REDIS_MODE=cluster or sentinel"), e.getMessage());
  }
}
