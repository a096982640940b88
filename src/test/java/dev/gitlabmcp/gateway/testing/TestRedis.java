package dev.gitlabmcp.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis for tests: REDIS_URL when the environment gives one, else a {@code redis-server} this
 * class starts on a free port (the Debian binary; CI installs it). Each user takes its own key prefix,
 * so tests never see each other's keys.
 */
public final class TestRedis {

  private static TestRedis shared;

  private final String url;
  private final Process process;
  private final int port;

  private TestRedis(String url, Process process, int port) {
    this.url = url;
    this.process = process;
    this.port = port;
  }

  /** One server for the whole test run, stopped when the JVM exits. */
  public static synchronized TestRedis get() {
    if (shared == null) {
      String given = System.getenv("REDIS_URL");
      shared = given != null && !given.isBlank() ? new TestRedis(given, null, -1) : startOwn();
    }
    return shared;
  }

  /** A server of its own (for tests that stop and restart it). */
  public static TestRedis startOwn() {
    int port = freePort();
    Process p = launch(port);
    TestRedis r = new TestRedis("redis://127.0.0.1:" + port, p, port);
    Runtime.getRuntime().addShutdownHook(new Thread(r::stop));
    return r;
  }

  private static Process launch(int port) {
    try {
      Path dir = Files.createTempDirectory("test-redis");
      Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--dir", dir.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
      awaitPort(port, p);
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("redis-server could not be started (install the redis-server package, or "
          + "set REDIS_URL): " + e.getMessage(), e);
    }
  }

  private static void awaitPort(int port, Process p) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + p.exitValue());
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("redis-server did not listen on " + port);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return url;
  }

  /** A prefix no other test uses. */
  public static String freshPrefix() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** Stops a server this class started (never one given by REDIS_URL). */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts a stopped own server again on the same port. */
  public TestRedis restart() {
    stop();
    return new TestRedis(url, launch(port), port);
  }
}
