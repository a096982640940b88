package dev.gitlabmcp.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Redis master watched by one Sentinel ({@code redis-server --sentinel}) for tests: what
 * REDIS_MODE=sentinel connects to. One per test run, stopped when the JVM exits.
 */
public final class TestRedisSentinel {

  public static final String MASTER_NAME = "gateway-master";
  private static TestRedisSentinel shared;

  private final Process master;
  private final Process sentinel;
  private final int sentinelPort;

  private TestRedisSentinel(Process master, Process sentinel, int sentinelPort) {
    this.master = master;
    this.sentinel = sentinel;
    this.sentinelPort = sentinelPort;
  }

  public static synchronized TestRedisSentinel get() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  private static TestRedisSentinel start() {
    try {
      Path dir = Files.createTempDirectory("test-redis-sentinel");
      int masterPort = TestRedisCluster.freePort();
      int sentinelPort = TestRedisCluster.freePort();
      Process master = new ProcessBuilder("redis-server", "--port", Integer.toString(masterPort), "--bind",
          "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("master.log").toFile()).start();
      TestRedisCluster.awaitCli(List.of("-p", Integer.toString(masterPort), "ping"), "PONG");
      Path conf = dir.resolve("sentinel.conf"); // a Sentinel rewrites its own file
      Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\nsentinel monitor "
          + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1\n");
      Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
          .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
      TestRedisCluster.awaitCli(List.of("-p", Integer.toString(sentinelPort), "sentinel", "get-master-addr-by-name",
          MASTER_NAME), Integer.toString(masterPort));
      return new TestRedisSentinel(master, sentinel, sentinelPort);
    } catch (IOException e) {
      throw new IllegalStateException("a Redis Sentinel could not be started: " + e.getMessage(), e);
    }
  }

  /** The Sentinel's URL (what REDIS_URL names with REDIS_MODE=sentinel). */
  public String url() {
    return "redis://127.0.0.1:" + sentinelPort;
  }

  public void stop() {
    sentinel.destroy();
    master.destroy();
  }
}
