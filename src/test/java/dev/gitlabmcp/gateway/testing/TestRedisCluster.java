package dev.gitlabmcp.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real three-node Redis Cluster for tests (no replicas): three {@code redis-server --cluster-enabled yes}
 * on free ports, joined by {@code redis-cli --cluster create}, the slots spread over the three. One per
 * test run, stopped when the JVM exits.
 */
public final class TestRedisCluster {

  private static TestRedisCluster shared;

  private final List<Process> nodes;
  private final List<Integer> ports;

  private TestRedisCluster(List<Process> nodes, List<Integer> ports) {
    this.nodes = nodes;
    this.ports = ports;
  }

  public static synchronized TestRedisCluster get() {
    if (shared == null) {
      shared = start(3);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  private static TestRedisCluster start(int size) {
    List<Process> nodes = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      Path dir = Files.createTempDirectory("test-redis-cluster");
      for (int i = 0; i < size; i++) {
        int port = freePort();
        Path nodeDir = Files.createDirectory(dir.resolve(Integer.toString(port)));
        nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "no",
            "--dir", nodeDir.toString()).redirectErrorStream(true)
            .redirectOutput(nodeDir.resolve("redis.log").toFile()).start());
        ports.add(port);
      }
      for (int port : ports) {
        awaitCli(List.of("-p", Integer.toString(port), "ping"), "PONG");
      }
      List<String> create = new ArrayList<>(List.of("--cluster", "create"));
      ports.forEach(p -> create.add("127.0.0.1:" + p));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      cli(create);
      for (int port : ports) {
        awaitCli(List.of("-p", Integer.toString(port), "cluster", "info"), "cluster_state:ok");
      }
      return new TestRedisCluster(nodes, ports);
    } catch (IOException e) {
      nodes.forEach(Process::destroyForcibly);
      throw new IllegalStateException("a Redis Cluster could not be started (redis-server and redis-cli): "
          + e.getMessage(), e);
    }
  }

  private static String cli(List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-cli"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void awaitCli(List<String> args, String expected) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (cli(args).contains(expected)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException("redis-cli " + args + " never answered " + expected);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The first node's URL (what REDIS_URL would name). */
  public String url() {
    return "redis://127.0.0.1:" + ports.get(0);
  }

  /** The other nodes' URLs (what REDIS_ENDPOINTS would list). */
  public List<String> otherNodes() {
    return ports.subList(1, ports.size()).stream().map(p -> "redis://127.0.0.1:" + p).toList();
  }

  public void stop() {
    nodes.forEach(Process::destroy);
  }
}
