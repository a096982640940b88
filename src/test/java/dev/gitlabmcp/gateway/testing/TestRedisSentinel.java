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
  private final Process replica;
  private final Process sentinel;
  private final int sentinelPort;

  private TestRedisSentinel(Process master, Process replica, Process sentinel, int sentinelPort) {
    this.master = master;
    this.replica = replica;
    this.sentinel = sentinel;
    this.sentinelPort = sentinelPort;
  }

  public static synchronized TestRedisSentinel get() {
    if (shared == null) {
      shared = start(false);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  /** A master with one replica the Sentinel promotes a second after the master stops answering. */
  public static TestRedisSentinel startWithReplica() {
    TestRedisSentinel own = start(true);
    Runtime.getRuntime().addShutdownHook(new Thread(own::stop));
    return own;
  }

  private static Process server(Path dir, String name, int port, String... more) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    command.addAll(List.of(more));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
    TestRedisCluster.awaitCli(List.of("-p", Integer.toString(port), "ping"), "PONG");
    return p;
  }

  private static TestRedisSentinel start(boolean withReplica) {
    try {
      Path dir = Files.createTempDirectory("test-redis-sentinel");
      int masterPort = TestRedisCluster.freePort();
      int sentinelPort = TestRedisCluster.freePort();
      Process master = server(dir, "master", masterPort);
      Process replica = withReplica ? server(Files.createDirectory(dir.resolve("replica")), "replica",
          TestRedisCluster.freePort(), "--replicaof", "127.0.0.1", Integer.toString(masterPort)) : null;
      Path conf = dir.resolve("sentinel.conf"); // a Sentinel rewrites its own file
      Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\nsentinel monitor "
          + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1\nsentinel down-after-milliseconds " + MASTER_NAME
          + " 1000\nsentinel failover-timeout " + MASTER_NAME + " 5000\n");
      Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
          .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
      TestRedisCluster.awaitCli(List.of("-p", Integer.toString(sentinelPort), "sentinel", "get-master-addr-by-name",
          MASTER_NAME), Integer.toString(masterPort));
      return new TestRedisSentinel(master, replica, sentinel, sentinelPort);
    } catch (IOException e) {
      throw new IllegalStateException("a Redis Sentinel could not be started: " + e.getMessage(), e);
    }
  }

  /** The Sentinel's URL (what REDIS_URL names with REDIS_MODE=sentinel). */
  public String url() {
    return "redis://127.0.0.1:" + sentinelPort;
  }

  /** Kills the master (SIGKILL): the Sentinel promotes the replica. */
  public void killMaster() {
    master.destroyForcibly();
  }

  public void stop() {
    sentinel.destroy();
    master.destroy();
    if (replica != null) {
      replica.destroy();
    }
  }
}
