package dev.gitlabmcp.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the Redis of REDIS_URL is reached: one server, a Redis Cluster, or the master a set of Sentinels
 * names. Only read when REDIS_URL is set.
 *
 * @param mode {@code standalone}, {@code cluster} or {@code sentinel} (REDIS_MODE)
 * @param endpoints more nodes besides REDIS_URL: cluster seeds or Sentinels (REDIS_ENDPOINTS), no credentials
 * @param masterName the master the Sentinels know (REDIS_MASTER_NAME)
 */
public record RedisTopology(String mode, List<String> endpoints, String masterName) {

  public static final RedisTopology STANDALONE = new RedisTopology("standalone", List.of(), "mymaster");

  public RedisTopology {
    mode = mode == null ? "standalone" : mode.toLowerCase(Locale.ROOT);
    endpoints = List.copyOf(endpoints == null ? List.of() : endpoints);
    masterName = Objects.requireNonNullElse(masterName, "");
  }

  /** What is wrong with it, one sentence per problem. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!List.of("standalone", "cluster", "sentinel").contains(mode)) {
      problems.add("REDIS_MODE (store.redisMode) must be standalone, cluster or sentinel.");
    }
    if ("sentinel".equals(mode) && masterName.isBlank()) {
      problems.add("REDIS_MASTER_NAME (store.redisMasterName) must name the master when REDIS_MODE=sentinel.");
    }
    if ("standalone".equals(mode) && !endpoints.isEmpty()) {
      problems.add("REDIS_ENDPOINTS (store.redisEndpoints) lists more nodes, which only REDIS_MODE=cluster or "
          + "sentinel uses; set the mode or remove the endpoints.");
    }
    for (String e : endpoints) {
      if (!e.matches("(?i)rediss?://[^@/\\s]+(/\\d*)?")) {
        problems.add("REDIS_ENDPOINTS (store.redisEndpoints): '" + ConfigLoader.maskUserInfo(e) + "' must be a "
            + "redis:// or rediss:// host:port without credentials (the user and password of REDIS_URL apply to all).");
      }
    }
    return problems;
  }
}
