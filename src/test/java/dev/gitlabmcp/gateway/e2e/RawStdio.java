package dev.gitlabmcp.gateway.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The gateway as an stdio child process, driven line by line: what a host writes to its stdin
 * and reads from its stdout, with no SDK in between to smooth anything over.
 */
final class RawStdio implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();

  private RawStdio(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
    drain(process.getInputStream(), stdout::add, "stdout");
    drain(process.getErrorStream(), stderr::add, "stderr");
  }

  static RawStdio start(String gitlabUrl, Path workDir) {
    ProcessBuilder pb = new ProcessBuilder(StdioGateway.command()).directory(workDir.toFile());
    pb.environment().clear();
    pb.environment().putAll(StdioGateway.environment(gitlabUrl));
    try {
      return new RawStdio(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + pb.command(), e);
    }
  }

  private static void drain(InputStream in, Consumer<String> sink, String name) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException ignored) {
        // The process is gone; what it wrote is already queued.
      }
    }, "raw-stdio-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Writes one line, exactly as given, followed by a newline. */
  void send(String line) {
    try {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("stdin of the gateway is closed", e);
    }
  }

  /** The next stdout line, which must be one JSON object. */
  JsonObject next() {
    String line;
    try {
      line = stdout.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (line == null) {
      fail("no stdout line within " + WAIT.toSeconds() + " s; stderr:\n" + String.join("\n", stderr));
    }
    try {
      return new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      return fail("stdout carried a line that is not a JSON-RPC message: " + line);
    }
  }

  JsonObject initialize() {
    send(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "raw-stdio").put("version", "1.0")))
        .encode());
    JsonObject response = next();
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return response;
  }

  void closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The exit code, or a failure when the process is still running at the deadline. */
  int awaitExit(Duration within) {
    try {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("the gateway still runs " + within.toSeconds() + " s later; stderr:\n" + String.join("\n", stderr));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  List<String> stderr() {
    return stderr;
  }

  /** Lines written to stdout and not read yet. */
  List<String> unread() {
    return List.copyOf(stdout);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
