package dev.gitlabmcp.gateway.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One-command load benchmark (bench/run.sh). Three processes: a fast fake GitLab (Vert.x, canned
 * JSON, {@link FakeGitLabMain}), the gateway jar in remote-authorization mode with its limits raised,
 * and this one, whose load generator ({@link LoadGenerator}: one thread, C keep-alive connections,
 * one request in flight on each) drives {@code tools/call get_project} over N sessions. The same
 * generator then measures the fake GitLab directly: the ceiling of this machine, from the same run.
 *
 * <p>Settings as system properties: sessions (50), concurrency (64), moderate (4: the concurrency of
 * the latency run), seconds (10), warmupRequests (60000, or at most warmup = 60 s), idleSessions (10000), gatewayJvmArgs, cds (true: also
 * measure start-up with an AppCDS archive).
 */
public final class Benchmark {

  static final String PROJECT = new JsonObject().put("id", 42).put("name", "gateway").put("path_with_namespace",
      "acme/platform/gateway").put("description", "A project for the benchmark").put("visibility", "private")
      .put("default_branch", "main").put("web_url", "https://gitlab.example.com/acme/platform/gateway")
      .put("archived", false).put("created_at", "2024-01-01T00:00:00Z").put("last_activity_at", "2026-11-01T00:00:00Z")
      .put("namespace", new JsonObject().put("id", 7).put("full_path", "acme/platform").put("kind", "group"))
      .put("runners_token", "should-be-dropped").put("star_count", 3).put("forks_count", 1).encode();

  private static final String ACCEPT = "Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n";
  private static final HttpClient JDK = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int sessions = Integer.getInteger("sessions", 50);
    int concurrency = Integer.getInteger("concurrency", 64);
    int moderate = Integer.getInteger("moderate", 4);
    int seconds = Integer.getInteger("seconds", 10);
    int warmup = Integer.getInteger("warmup", 60);
    int warmupRequests = Integer.getInteger("warmupRequests", 60_000);
    int idleSessions = Integer.getInteger("idleSessions", 10_000);
    boolean cds = Boolean.parseBoolean(System.getProperty("cds", "true"));
    Path jar = Path.of(System.getProperty("jar", "target/gitlab-mcp-gateway.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn -q -DskipTests package first");
    }
    List<Process> started = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroyForcibly)));
    try {
      Process fake = new ProcessBuilder(javaBin(), "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
          FakeGitLabMain.class.getName()).redirectErrorStream(true).start();
      started.add(fake);
      String fakeUrl = new BufferedReader(new InputStreamReader(fake.getInputStream(), StandardCharsets.UTF_8))
          .readLine().replace("fake GitLab on ", "");
      int fakePort = URI.create(fakeUrl).getPort();
      System.out.println("fake GitLab: " + fakeUrl);

      Gateway gw = Gateway.start(jar, fakeUrl, idleSessions + sessions + 100, Map.of(), List.of());
      started.add(gw.process);
      System.out.printf("gateway: pid %d, port %d, ready after %d ms%n", gw.process.pid(), gw.port, gw.readyMs);
      int toolsListBytes = toolsListBytes(gw.port, token(0));

      List<String> ids = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        ids.add(initialize(gw.port, token(i)));
      }
      String callBody = "ping".equals(System.getProperty("method"))
          ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
          : new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
              .put("params", new JsonObject().put("name", "get_project").put("arguments",
                  new JsonObject().put("project_id", "acme/platform/gateway"))).encode();
      LoadGenerator toGateway = new LoadGenerator(gw.port, i -> LoadGenerator.post("/mcp",
          ACCEPT + "Authorization: Bearer " + token(i % sessions) + "\r\nMcp-Session-Id: " + ids.get(i % sessions)
              + "\r\n", callBody), "\"result\":");
      LoadGenerator toFake = new LoadGenerator(fakePort, i -> LoadGenerator.get("/api/v4/projects/acme%2Fplatform%2Fgateway",
          "Accept: application/json\r\nPRIVATE-TOKEN: " + token(i) + "\r\n"), "\"id\":42");

      // Warm up both JITs (gateway and fake GitLab) before anything is measured.
      // By count, not time: C2 compiles after ~10k calls of a method, and under load a few seconds are too few.
      toGateway.run(concurrency, warmup, warmupRequests);
      toFake.run(concurrency, warmup, warmupRequests);
      long cpu0 = cpuMicros(gw.process.pid());
      LoadGenerator.Result gwLoad = toGateway.run(concurrency, seconds, 0);
      long cpuLoad = cpuMicros(gw.process.pid()) - cpu0;
      long rssLoad = rssKb(gw.process.pid());
      LoadGenerator.Result ceiling = toFake.run(concurrency, seconds, 0);
      long cpu1 = cpuMicros(gw.process.pid());
      LoadGenerator.Result gwModerate = toGateway.run(moderate, seconds, 0);
      long cpuModerate = cpuMicros(gw.process.pid()) - cpu1;
      LoadGenerator.Result fakeModerate = toFake.run(moderate, seconds, 0);

      // Idle sessions: initialize N more (spread over the same users), then let the gateway settle.
      String init = initBody("bench-idle");
      LoadGenerator opener = new LoadGenerator(gw.port, i -> LoadGenerator.post("/mcp",
          ACCEPT + "Authorization: Bearer " + token(i % sessions) + "\r\n", init), "\"protocolVersion\"");
      long rssBeforeIdle = rssKb(gw.process.pid());
      LoadGenerator.Result opened = opener.run(16, 600, idleSessions);
      Thread.sleep(2000);
      long rssIdle = rssKb(gw.process.pid());
      int active = new JsonObject(JDK.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port + "/health"))
          .build(), HttpResponse.BodyHandlers.ofString()).body()).getInteger("activeSessions");
      gw.stop();

      // Start-up again, three times each: plain, and with an AppCDS archive made by a training run.
      List<Long> plain = new ArrayList<>();
      List<Long> withCds = new ArrayList<>();
      int allToolsBytes = -1;
      for (int i = 0; i < Integer.getInteger("startups", 3); i++) {
        Gateway g = Gateway.start(jar, fakeUrl, 100, Map.of("GITLAB_TOOLSETS", "all"), List.of());
        plain.add(g.readyMs);
        if (allToolsBytes < 0) {
          allToolsBytes = toolsListBytes(g.port, token(1));
        }
        g.stop();
      }
      Path archive = Path.of("target", "gateway-cds.jsa");
      if (cds) {
        Files.deleteIfExists(archive);
        Gateway training = Gateway.start(jar, fakeUrl, 100, Map.of(),
            List.of("-XX:ArchiveClassesAtExit=" + archive));
        toolsListBytes(training.port, token(2)); // load the request path's classes too
        training.stop();
        for (int i = 0; i < 3 && Files.isRegularFile(archive); i++) {
          Gateway g = Gateway.start(jar, fakeUrl, 100, Map.of(), List.of("-XX:SharedArchiveFile=" + archive));
          withCds.add(g.readyMs);
          g.stop();
        }
      }

      double load = loadAverage();
      System.out.printf("%nBenchmark: remote authorization, tools/call get_project over %d sessions; %d s per run"
          + " after %d warm-up requests; %d cores, load average %.1f at the end%n", sessions, seconds, warmupRequests,
          Runtime.getRuntime().availableProcessors(), load);
      System.out.println("| measure | value |");
      System.out.println("|---|---|");
      row("gateway, concurrency " + concurrency, gwLoad);
      row("fake GitLab direct (ceiling), concurrency " + concurrency, ceiling);
      System.out.printf("| ratio gateway / ceiling at %d | %.2f |%n", concurrency, gwLoad.rps() / ceiling.rps());
      row("gateway, concurrency " + moderate, gwModerate);
      row("fake GitLab direct, concurrency " + moderate, fakeModerate);
      System.out.printf("| added latency at concurrency %d, p50 / p99 | %.2f / %.2f ms |%n", moderate,
          gwModerate.p(50) - fakeModerate.p(50), gwModerate.p(99) - fakeModerate.p(99));
      System.out.printf("| gateway CPU per call, concurrency %d / %d | %.0f / %.0f µs |%n", concurrency, moderate,
          (double) cpuLoad / Math.max(1, gwLoad.count()), (double) cpuModerate / Math.max(1, gwModerate.count()));
      System.out.printf("| gateway RSS after the load runs | %d MB |%n", rssLoad / 1024);
      System.out.printf("| gateway RSS with %d open idle sessions (before opening them) | %d MB (%d MB); %d opened"
          + " in %.1f s, %d errors |%n", active, rssIdle / 1024, rssBeforeIdle / 1024, opened.count(), opened.seconds(),
          opened.errors());
      System.out.printf("| process start to first /health 200 | %s ms (first run: %d ms) |%n", plain, gw.readyMs);
      if (cds) {
        System.out.printf("| same with AppCDS (-XX:SharedArchiveFile, archive %d MB) | %s ms |%n",
            Files.isRegularFile(archive) ? Files.size(archive) >> 20 : -1, withCds);
      }
      System.out.printf("| tools/list size, default toolsets | %d bytes |%n", toolsListBytes);
      System.out.printf("| tools/list size, GITLAB_TOOLSETS=all | %d bytes |%n", allToolsBytes);
    } finally {
      started.forEach(Process::destroy);
    }
  }

  private static void row(String what, LoadGenerator.Result r) {
    System.out.printf("| %s | %.0f req/s; p50 %.2f, p90 %.2f, p99 %.2f ms; %d errors of %d |%n", what, r.rps(),
        r.p(50), r.p(90), r.p(99), r.errors(), r.count());
  }

  /** A gateway process and how long it took from start to its first /health 200. */
  private record Gateway(Process process, int port, long readyMs) {

    static Gateway start(Path jar, String fakeUrl, int maxSessions, Map<String, String> extraEnv,
                         List<String> extraJvmArgs) throws Exception {
      int port = freePort();
      List<String> command = new ArrayList<>(List.of(javaBin()));
      String jvmArgs = System.getProperty("gatewayJvmArgs", "");
      if (!jvmArgs.isBlank()) {
        command.addAll(Arrays.asList(jvmArgs.trim().split("\\s+")));
      }
      command.addAll(extraJvmArgs);
      command.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(
              Path.of(System.getProperty("java.io.tmpdir"), "gateway-bench.log").toFile()));
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("GITLAB_") || k.startsWith("MCP_") || k.equals("JAVA_TOOL_OPTIONS"));
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
      env.putAll(extraEnv);
      long t0 = System.nanoTime();
      Process p = pb.start();
      return new Gateway(p, port, waitHealthy(p, port, t0));
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  static String token(int user) {
    return String.format("glpat-bench-user-%08d", user);
  }

  static String initBody(String client) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", client).put("version", "1"))).encode();
  }

  private static HttpResponse<String> post(int port, String token, String session, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream").header("Authorization", "Bearer " + token);
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return JDK.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String initialize(int port, String token) throws Exception {
    HttpResponse<String> r = post(port, token, null, initBody("bench"));
    return r.headers().firstValue("Mcp-Session-Id").orElseThrow(
        () -> new IllegalStateException("initialize answered " + r.statusCode() + ": " + r.body()));
  }

  static int toolsListBytes(int port, String token) throws Exception {
    String session = initialize(port, token);
    HttpResponse<String> r = post(port, token, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    if (r.statusCode() != 200 || !r.body().contains("\"tools\"")) {
      throw new IllegalStateException("tools/list answered " + r.statusCode());
    }
    return r.body().getBytes(StandardCharsets.UTF_8).length;
  }

  /** The fake GitLab on the given port (0: any), on one event loop per core like the gateway. */
  static HttpServer startFakeGitLab(Vertx vertx, int port) throws Exception {
    int p = port == 0 ? freePort() : port;
    HttpServer[] first = new HttpServer[1];
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer().requestHandler(Benchmark::fakeGitLab).listen(p, "127.0.0.1")
            .onSuccess(s -> first[0] = s);
      }
    }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return first[0];
  }

  private static final Buffer PROJECT_BUFFER = Buffer.buffer(PROJECT);

  private static void fakeGitLab(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/api/v4/user")) {
      String auth = req.getHeader("Authorization");
      String digits = auth == null ? "0" : auth.replaceAll("\\D", "");
      long id = digits.isEmpty() ? 0 : Long.parseLong(digits.substring(Math.max(0, digits.length() - 9)));
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("id", id + 1).put("username", "user" + id).encode());
    } else if (path.startsWith("/api/v4/projects/")) {
      req.response().putHeader("Content-Type", "application/json").end(PROJECT_BUFFER);
    } else {
      req.response().setStatusCode(404).end("{\"message\":\"404 Not Found\"}");
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

  static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /** User and system CPU time the process has used, in microseconds (Linux /proc, 100 ticks a second). */
  static long cpuMicros(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000L;
  }

  private static double loadAverage() {
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
