package dev.gitlabmcp.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's processes and what the OS says about them: CPU time (utime + stime of
 * /proc/PID/stat), resident memory (VmRSS) and start-up time to the first /health 200.
 */
final class BenchProcesses {

  /** Clock ticks per second of /proc/PID/stat (USER_HZ; 100 on Linux unless the kernel says otherwise). */
  private static final long TICKS = clockTicks();

  private BenchProcesses() {
  }

  /** CPU time (user + system) the process has used so far, in nanoseconds, from /proc/PID/stat. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may hold spaces) start at ") ": state is field 3, utime 14, stime 15.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000_000L / TICKS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      return Long.parseLong(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
    } catch (IOException | RuntimeException e) {
      return 100;
    }
  }

  static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /** Starts a main class of the test classpath with the given JVM flags; returns it and the URL it prints first. */
  static Map.Entry<Process, String> startMain(List<String> jvmArgs, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBin()));
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    while (line != null && !line.contains("http://")) { // a busy machine may make Vert.x warn first
      line = out.readLine();
    }
    if (line == null) {
      throw new IllegalStateException(main.getSimpleName() + " did not start");
    }
    Thread drain = new Thread(() -> { // whatever it prints later must not fill the pipe and stop it
      try {
        out.transferTo(java.io.Writer.nullWriter());
      } catch (IOException ignored) {
        // the process ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    return Map.entry(p, line.substring(line.indexOf("http://")));
  }

  /** A gateway process and how long it took from start to its first /health 200. */
  record Gateway(Process process, int port, long readyMs) {

    static Gateway start(Path jar, List<String> jvmArgs, String fakeUrl, int maxSessions,
                         Map<String, String> extraEnv) throws Exception {
      return start(jar, null, jvmArgs, fakeUrl, maxSessions, extraEnv);
    }

    /** As above with another JVM binary ({@code null}: the one running the benchmark). */
    static Gateway start(Path jar, String java, List<String> jvmArgs, String fakeUrl, int maxSessions,
                         Map<String, String> extraEnv) throws Exception {
      int port = freePort();
      List<String> command = new ArrayList<>(List.of(java == null ? javaBin() : java));
      command.addAll(jvmArgs);
      command.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(
              Path.of(System.getProperty("java.io.tmpdir"), "gateway-bench.log").toFile()));
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("GITLAB_") || k.startsWith("MCP_") || k.equals("JAVA_TOOL_OPTIONS")
          || k.equals("REDIS_URL") || k.equals("DATABASE_URL"));
      env.put("PORT", Integer.toString(port));
      env.put("HOST", "127.0.0.1");
      env.put("GITLAB_API_URL", fakeUrl);
      // The per-instance limiter would otherwise pace the run: measure the gateway, not its limits.
      env.put("GITLAB_INSTANCES", "{\"instances\":[{\"name\":\"default\",\"url\":\"" + fakeUrl + "\","
          + "\"rateLimit\":{\"requestsPerSecond\":100000,\"burst\":100000,\"maxConcurrent\":100000,"
          + "\"queueSize\":100000}}]}");
      env.put("GITLAB_BACKGROUND_CHECKS", "false");
      env.put("REMOTE_AUTHORIZATION", "true");
      env.put("MAX_SESSIONS", Integer.toString(maxSessions));
      env.put("MAX_SESSIONS_PER_USER", Integer.toString(maxSessions)); // idle sessions are spread over few users
      // With REDIS_URL each gateway of the run keeps its own sessions: they would count against each other.
      env.put("REDIS_KEY_PREFIX", "bench-" + port + ":");
      env.putIfAbsent("GATEWAY_ENCRYPTION_KEY", dev.gitlabmcp.gateway.testing.TestGateway.ENCRYPTION_KEY); // REDIS_URL needs one
      env.put("MAX_REQUESTS_PER_MINUTE", "1000000");
      env.put("UNAUTHENTICATED_REQUESTS_PER_MINUTE", "1000000");
      env.put("GITLAB_MAX_CONNECTIONS", "64");
      extraEnv.forEach((k, v) -> env.put(k, v.replace("{port}", Integer.toString(port))));
      long t0 = System.nanoTime();
      Process p = pb.start();
      try {
        return new Gateway(p, port, waitHealthy(p, port, t0));
      } catch (Exception | Error e) {
        p.destroyForcibly(); // a gateway that never answered must not outlive the run (it holds a port and CPU)
        throw e;
      }
    }

    void stop() throws InterruptedException {
      BenchProcesses.stop(process);
    }
  }

  static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** Polls /health every 5 ms over a fresh connection; milliseconds from t0 to the first 200. */
  static long waitHealthy(Process p, int port, long t0) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    byte[] req = LoadGenerator.get("/health", "Connection: close\r\n");
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the gateway exited with " + p.exitValue() + "; see gateway-bench.log");
      }
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.getOutputStream().write(req);
        byte[] head = s.getInputStream().readNBytes(12);
        if (new String(head, StandardCharsets.US_ASCII).endsWith(" 200")) {
          return (System.nanoTime() - t0) / 1_000_000;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the gateway did not become healthy in 60 s");
  }

  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
