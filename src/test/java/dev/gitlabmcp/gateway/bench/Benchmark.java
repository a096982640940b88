package dev.gitlabmcp.gateway.bench;

import dev.gitlabmcp.gateway.bench.BenchProcesses.Gateway;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One-command load benchmark (bench/run.sh). Processes: a fast fake GitLab (Vert.x, canned JSON,
 * {@link FakeGitLabMain}), the gateway jar in remote-authorization mode with its limits raised, a plain
 * Vert.x reverse proxy forwarding the same GET to the same fake ({@link ReferenceProxyMain}, the floor),
 * and this one, whose load generator ({@link LoadGenerator}: one thread, C keep-alive connections, one
 * request in flight on each) drives {@code tools/call get_project} over N sessions. The same generator
 * then drives the proxy and the fake GitLab directly (the ceiling of this machine). Around every
 * measured window the CPU time of each process is read from /proc/PID/stat, so each run reports CPU
 * per call of the gateway, of the proxy and of the fake: far steadier on a shared machine than req/s.
 *
 * <p>Configurations: each JVM setting ({@code jvms}: default = {@code java -jar} with no flags, image =
 * the Dockerfile's flags in a 1 GiB container) times each session store (memory; Redis when REDIS_URL
 * is set) times the way users authenticate (their own GitLab tokens; the gateway's OAuth access tokens after
 * a sign-in with GitLab, unless {@code -Doauth=false}). The proxy runs with the same JVM flags as the gateway.
 *
 * <p>Settings as system properties: sessions (50), concurrency (64), moderate (4: the concurrency of
 * the latency run), seconds (10), warmupRequests (60000, or at most warmup = 60 s), idleSessions
 * (10000), jvms (default,image), gatewayJvmArgs (instead of jvms: one custom setting), cds (true: also
 * measure start-up with an AppCDS archive), startup (true: measure start-up at all), stores (the configurations
 * to run, by name, separated by ';', e.g. {@code memory;memory, OAuth token}), oauth (true), method (tools/call,
 * or ping), profile (a directory: record the loaded gateway's measured window with JFR there), profileSettings
 * (profile: the JFR settings file). A recording started on the warm gateway keeps C2 recompiling through the window
 * and about triples the CPU per call (docs/performance.md): a profiled run gives shares, not costs.
 */
public final class Benchmark {

  static final String PROJECT = new JsonObject().put("id", 42).put("name", "gateway").put("path_with_namespace",
      "acme/platform/gateway").put("description", "A project for the benchmark").put("visibility", "private")
      .put("default_branch", "main").put("web_url", "https://gitlab.example.com/acme/platform/gateway")
      .put("archived", false).put("created_at", "2024-01-01T00:00:00Z").put("last_activity_at", "2026-11-01T00:00:00Z")
      .put("namespace", new JsonObject().put("id", 7).put("full_path", "acme/platform").put("kind", "group"))
      .put("runners_token", "should-be-dropped").put("star_count", 3).put("forks_count", 1).encode();

  /**
   * Sign in with GitLab instead of remote authorization: each user signs in through the gateway's OAuth
   * endpoints ({@link BenchSignIn}) and calls with the gateway's own access token. {port} is the gateway's.
   */
  static final Map<String, String> OAUTH_ENV = Map.of("REMOTE_AUTHORIZATION", "false", "GITLAB_MCP_OAUTH", "true",
      "MCP_SERVER_URL", "http://127.0.0.1:{port}", "GITLAB_OAUTH_APP_ID", "bench-app",
      "GITLAB_OAUTH_CLIENT_SECRET", "bench-secret");

  /** The Dockerfile's JAVA_OPTS (without the archive, measured apart) in a container limited to 1 GiB. */
  static final List<String> IMAGE_FLAGS = List.of("-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=75", "-Xmn32m", "-XX:+UseSerialGC",
      "-XX:+ExitOnOutOfMemoryError");

  static final String ACCEPT = "Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n";
  private static final HttpClient JDK = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static final int SESSIONS = Integer.getInteger("sessions", 50);
  private static final int CONCURRENCY = Integer.getInteger("concurrency", 64);
  private static final int MODERATE = Integer.getInteger("moderate", 4);
  private static final int SECONDS = Integer.getInteger("seconds", 10);
  private static final int WARMUP = Integer.getInteger("warmup", 60);
  private static final int WARMUP_REQUESTS = Integer.getInteger("warmupRequests", 60_000);
  private static final int IDLE_SESSIONS = Integer.getInteger("idleSessions", 10_000);

  /** A measured window: the generator's result and the CPU nanoseconds each watched process spent in it. */
  record Measured(LoadGenerator.Result r, long[] cpuNs) {

    static Measured of(LoadGenerator gen, int concurrency, Process... watched) throws IOException {
      long[] before = new long[watched.length];
      for (int i = 0; i < watched.length; i++) {
        before[i] = BenchProcesses.cpuNanos(watched[i].pid());
      }
      LoadGenerator.Result r = gen.run(concurrency, SECONDS, 0);
      long[] cpu = new long[watched.length];
      for (int i = 0; i < watched.length; i++) {
        cpu[i] = BenchProcesses.cpuNanos(watched[i].pid()) - before[i];
      }
      return new Measured(r, cpu);
    }

    /** CPU microseconds per call of the i-th watched process. */
    double usPerCall(int i) {
      return r.count() == 0 ? Double.NaN : cpuNs[i] / 1000.0 / r.count();
    }

    String line() {
      return String.format("%.0f req/s; p50 %.2f, p90 %.2f, p99 %.2f ms; %d errors of %d", r.rps(), r.p(50), r.p(90),
          r.p(99), r.errors(), r.count());
    }
  }

  public static void main(String[] args) throws Exception {
    boolean cds = Boolean.parseBoolean(System.getProperty("cds", "true"));
    Path jar = Path.of(System.getProperty("jar", "target/gitlab-mcp-gateway.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn -q -DskipTests package first");
    }
    Map<String, List<String>> jvms = new LinkedHashMap<>();
    String custom = System.getProperty("gatewayJvmArgs", "");
    if (!custom.isBlank()) {
      jvms.put(custom.trim(), Arrays.asList(custom.trim().split("\\s+")));
    } else {
      for (String name : System.getProperty("jvms", "default,image").split(",")) {
        jvms.put(name, name.equals("image") ? IMAGE_FLAGS : List.of());
      }
    }
    Map<String, Map<String, String>> stores = new LinkedHashMap<>();
    stores.put("memory", Map.of());
    String redis = System.getenv("REDIS_URL");
    if (redis != null && !redis.isBlank()) {
      stores.put("Redis", Map.of("REDIS_URL", redis));
    }
    if (!"false".equals(System.getProperty("oauth"))) {
      stores.put("memory, OAuth token", OAUTH_ENV);
      if (redis != null && !redis.isBlank()) {
        Map<String, String> both = new LinkedHashMap<>(OAUTH_ENV);
        both.put("REDIS_URL", redis);
        stores.put("Redis, OAuth token", both);
      }
    }
    String only = System.getProperty("stores", "");
    if (!only.isBlank()) { // e.g. -Dstores="memory;memory, OAuth token"
      stores.keySet().retainAll(Arrays.asList(only.split(";")));
    }
    List<Process> started = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroyForcibly)));
    List<String> report = new ArrayList<>();
    try {
      var fakeStart = BenchProcesses.startMain(List.of("-XX:+UseParallelGC"), FakeGitLabMain.class);
      Process fake = fakeStart.getKey();
      started.add(fake);
      String fakeUrl = fakeStart.getValue();
      int fakePort = URI.create(fakeUrl).getPort();
      System.out.println("fake GitLab: " + fakeUrl);
      byte[] projectGet = LoadGenerator.get("/api/v4/projects/acme%2Fplatform%2Fgateway",
          "Accept: application/json\r\nPRIVATE-TOKEN: " + token(0) + "\r\n");
      LoadGenerator toFake = new LoadGenerator(fakePort, i -> projectGet, "\"id\":42");
      toFake.run(CONCURRENCY, WARMUP, WARMUP_REQUESTS);
      for (var jvm : jvms.entrySet()) {
        var proxyStart = BenchProcesses.startMain(jvm.getValue(), ReferenceProxyMain.class, Integer.toString(fakePort));
        Process proxy = proxyStart.getKey();
        started.add(proxy);
        LoadGenerator toProxy = new LoadGenerator(URI.create(proxyStart.getValue()).getPort(), i -> projectGet,
            "\"id\":42");
        toProxy.run(CONCURRENCY, WARMUP, WARMUP_REQUESTS);
        for (var store : stores.entrySet()) {
          List<String> table = loadRuns(jar, jvm.getKey(), jvm.getValue(), store.getKey(), store.getValue(), fakeUrl,
              fake, proxy, toProxy, toFake);
          table.forEach(System.out::println);
          report.addAll(table);
        }
        BenchProcesses.stop(proxy);
      }
      if (Boolean.parseBoolean(System.getProperty("startup", "true"))) {
        report.addAll(startups(jar, jvms, fakeUrl, cds));
      }
    } finally {
      started.forEach(Process::destroy);
    }
    System.out.printf("%nBenchmark: tools/call get_project over %d sessions (users' own GitLab tokens, or the "
        + "gateway's OAuth tokens where the configuration says so); %d s per run"
        + " after %d warm-up requests; %d cores, load average %.1f at the end%n", SESSIONS, SECONDS, WARMUP_REQUESTS,
        Runtime.getRuntime().availableProcessors(), BenchProcesses.loadAverage());
    report.forEach(System.out::println);
  }

  /** The load runs of one configuration (JVM flags, session store); returns its table. */
  private static List<String> loadRuns(Path jar, String jvmName, List<String> jvmFlags, String storeName,
                                       Map<String, String> storeEnv, String fakeUrl, Process fake, Process proxy,
                                       LoadGenerator toProxy, LoadGenerator toFake) throws Exception {
    Gateway gw = Gateway.start(jar, jvmFlags, fakeUrl, IDLE_SESSIONS + SESSIONS + 100, storeEnv);
    try {
      System.out.printf("gateway (%s, %s): pid %d, port %d, ready after %d ms%n", jvmName, storeName,
          gw.process().pid(), gw.port(), gw.readyMs());
      List<String> bearer = new ArrayList<>();
      if (storeEnv.containsKey("GITLAB_MCP_OAUTH")) {
        bearer.addAll(BenchSignIn.accessTokens(gw.port(), SESSIONS));
      } else {
        for (int i = 0; i < SESSIONS; i++) {
          bearer.add(token(i));
        }
      }
      int toolsListBytes = toolsListBytes(gw.port(), bearer.get(0));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        ids.add(initialize(gw.port(), bearer.get(i)));
      }
      String callBody = "ping".equals(System.getProperty("method"))
          ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
          : new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
              .put("params", new JsonObject().put("name", "get_project").put("arguments",
                  new JsonObject().put("project_id", "acme/platform/gateway"))).encode();
      LoadGenerator toGateway = new LoadGenerator(gw.port(), i -> LoadGenerator.post("/mcp",
          ACCEPT + "Authorization: Bearer " + bearer.get(i % SESSIONS) + "\r\nMcp-Session-Id: " + ids.get(i % SESSIONS)
              + "\r\n", callBody), "\"result\":");
      // Warm up the gateway's JIT by count, not time: C2 compiles after ~10k calls of a method.
      toGateway.run(CONCURRENCY, WARMUP, WARMUP_REQUESTS);
      String profile = System.getProperty("profile", "");
      if (!profile.isBlank()) {
        java.nio.file.Files.createDirectories(Path.of(profile)); // JFR.stop does not create it
        jcmd(gw.process(), "JFR.start", "name=bench", "settings=" + System.getProperty("profileSettings", "profile"));
      }
      Measured gwLoad = Measured.of(toGateway, CONCURRENCY, gw.process(), fake);
      if (!profile.isBlank()) {
        Path jfr = Path.of(profile, "gateway-" + jvmName.replaceAll("\\W", "") + "-" + storeName.replaceAll("\\W", "")
            + ".jfr");
        jcmd(gw.process(), "JFR.stop", "name=bench", "filename=" + jfr.toAbsolutePath());
        System.out.println("profile of the loaded gateway: " + jfr + " (bench/jfr-top.sh " + jfr + ")");
      }
      long rssLoad = BenchProcesses.rssKb(gw.process().pid());
      Measured proxyLoad = Measured.of(toProxy, CONCURRENCY, proxy, fake);
      Measured ceiling = Measured.of(toFake, CONCURRENCY, fake);
      Measured gwModerate = Measured.of(toGateway, MODERATE, gw.process(), fake);
      Measured fakeModerate = Measured.of(toFake, MODERATE, fake);

      // Idle sessions: initialize N more (spread over the same users), then let the gateway settle.
      String init = initBody("bench-idle");
      LoadGenerator opener = new LoadGenerator(gw.port(), i -> LoadGenerator.post("/mcp",
          ACCEPT + "Authorization: Bearer " + bearer.get(i % SESSIONS) + "\r\n", init), "\"protocolVersion\"");
      long rssBeforeIdle = BenchProcesses.rssKb(gw.process().pid());
      LoadGenerator.Result opened = opener.run(16, 600, IDLE_SESSIONS);
      Thread.sleep(2000);
      long rssIdle = BenchProcesses.rssKb(gw.process().pid());
      int active = new JsonObject(JDK.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port()
          + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body()).getInteger("activeSessions");

      List<String> t = new ArrayList<>();
      t.add("");
      t.add("JVM: " + (jvmFlags.isEmpty() ? "java -jar defaults" : String.join(" ", jvmFlags)) + "; sessions: "
          + storeName);
      t.add("");
      t.add("| measure | value |");
      t.add("|---|---|");
      t.add(String.format("| gateway, concurrency %d | %s |", CONCURRENCY, gwLoad.line()));
      t.add(String.format("| CPU per call: gateway / fake GitLab | **%.0f µs** / %.0f µs |", gwLoad.usPerCall(0),
          gwLoad.usPerCall(1)));
      t.add(String.format("| reference proxy, concurrency %d | %s |", CONCURRENCY, proxyLoad.line()));
      t.add(String.format("| CPU per call: proxy / fake GitLab | **%.0f µs** / %.0f µs |", proxyLoad.usPerCall(0),
          proxyLoad.usPerCall(1)));
      t.add(String.format("| CPU per call, gateway / proxy | **%.2f** |", gwLoad.usPerCall(0) / proxyLoad.usPerCall(0)));
      t.add(String.format("| fake GitLab direct (ceiling), concurrency %d | %s; CPU %.0f µs per call |", CONCURRENCY,
          ceiling.line(), ceiling.usPerCall(0)));
      t.add(String.format("| gateway, concurrency %d | %s; CPU %.0f µs per call |", MODERATE, gwModerate.line(),
          gwModerate.usPerCall(0)));
      t.add(String.format("| fake GitLab direct, concurrency %d | %s |", MODERATE, fakeModerate.line()));
      t.add(String.format("| added latency at concurrency %d, p50 / p99 | %.2f / %.2f ms |", MODERATE,
          gwModerate.r().p(50) - fakeModerate.r().p(50), gwModerate.r().p(99) - fakeModerate.r().p(99)));
      t.add(String.format("| gateway RSS after the load runs | %d MB |", rssLoad / 1024));
      t.add(String.format("| gateway RSS with %d open idle sessions (before opening them) | %d MB (%d MB); %d opened"
          + " in %.1f s, %d errors |", active, rssIdle / 1024, rssBeforeIdle / 1024, opened.count(), opened.seconds(),
          opened.errors()));
      t.add(String.format("| start to first /health 200 (this start) | %d ms |", gw.readyMs()));
      t.add(String.format("| tools/list size, default toolsets | %d bytes |", toolsListBytes));
      return t;
    } finally {
      gw.stop();
    }
  }

  /** Runs jcmd against a process (JFR recordings of the measured window). */
  private static void jcmd(Process p, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(p.pid())));
    cmd.addAll(List.of(command));
    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
        .waitFor(60, TimeUnit.SECONDS);
  }

  /** Start-up three times for each JVM setting, plain and with an AppCDS archive made by a training run. */
  private static List<String> startups(Path jar, Map<String, List<String>> jvms, String fakeUrl, boolean cds)
      throws Exception {
    List<String> t = new ArrayList<>(List.of("", "Start-up (process start to first /health 200, three starts):", "",
        "| JVM | plain | with AppCDS |", "|---|---|---|"));
    for (var jvm : jvms.entrySet()) {
      List<Long> plain = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Gateway g = Gateway.start(jar, jvm.getValue(), fakeUrl, 100, Map.of());
        plain.add(g.readyMs());
        g.stop();
      }
      List<Long> withCds = new ArrayList<>();
      Path archive = Path.of("target", "gateway-cds-" + jvm.getKey().replaceAll("\\W", "") + ".jsa");
      if (cds) {
        Files.deleteIfExists(archive);
        List<String> training = new ArrayList<>(jvm.getValue());
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        Gateway g = Gateway.start(jar, training, fakeUrl, 100, Map.of());
        toolsListBytes(g.port(), token(2)); // load the request path's classes too
        g.stop();
        List<String> mapped = new ArrayList<>(jvm.getValue());
        mapped.add("-XX:SharedArchiveFile=" + archive);
        for (int i = 0; i < 3 && Files.isRegularFile(archive); i++) {
          Gateway c = Gateway.start(jar, mapped, fakeUrl, 100, Map.of());
          withCds.add(c.readyMs());
          c.stop();
        }
      }
      t.add(String.format("| %s | %s ms | %s |", jvm.getValue().isEmpty() ? "java -jar defaults"
          : String.join(" ", jvm.getValue()), plain, cds ? withCds + " ms" : "not run"));
    }
    return t;
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
    int p = port == 0 ? BenchProcesses.freePort() : port;
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
  private static final java.util.concurrent.atomic.AtomicLong SIGN_INS = new java.util.concurrent.atomic.AtomicLong();

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
    } else if (path.equals("/oauth/authorize")) {
      // GitLab's authorize with the user already signed in and the application authorized: straight back.
      req.response().setStatusCode(302).putHeader("Location", req.getParam("redirect_uri") + "?code=bench-code&state="
          + java.net.URLEncoder.encode(req.getParam("state", ""), StandardCharsets.UTF_8)).end();
    } else if (path.equals("/oauth/token")) {
      // Each code exchange is another user (the digits of the token are its user id, see /api/v4/user).
      long user = SIGN_INS.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("access_token", token(1000 + (int) user)).put("token_type", "Bearer")
          .put("expires_in", 7200).put("refresh_token", "bench-refresh-" + user).put("scope", "api")
          .put("created_at", System.currentTimeMillis() / 1000).encode());
    } else {
      req.response().setStatusCode(404).end("{\"message\":\"404 Not Found\"}");
    }
  }
}
