package dev.gitlabmcp.gateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark: a fast fake GitLab (Vert.x, canned JSON) in this JVM, the gateway jar as a
 * separate process in remote-authorization mode, N sessions driving tools/call get_project at
 * concurrency C for a fixed time. Prints throughput, latency percentiles, errors, RSS, and the
 * same load generator's rate straight against the fake GitLab (the ceiling on this machine).
 *
 * <p>Run: {@code bench/run.sh} (see docs/performance.md). Settings as system properties:
 * sessions, concurrency, seconds, idleSessions.
 */
public final class Benchmark {

  static final String PROJECT = new JsonObject().put("id", 42).put("name", "gateway").put("path_with_namespace",
      "acme/platform/gateway").put("description", "A project for the benchmark").put("visibility", "private")
      .put("default_branch", "main").put("web_url", "https://gitlab.example.com/acme/platform/gateway")
      .put("archived", false).put("created_at", "2024-01-01T00:00:00Z").put("last_activity_at", "2026-11-01T00:00:00Z")
      .put("namespace", new JsonObject().put("id", 7).put("full_path", "acme/platform").put("kind", "group"))
      .put("runners_token", "should-be-dropped").put("star_count", 3).put("forks_count", 1).encode();

  public static void main(String[] args) throws Exception {
    int sessions = Integer.getInteger("sessions", 50);
    int concurrency = Integer.getInteger("concurrency", 64);
    int seconds = Integer.getInteger("seconds", 10);
    int idleSessions = Integer.getInteger("idleSessions", 10_000);
    Path jar = Path.of(System.getProperty("jar", "target/gitlab-mcp-gateway.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn -q -DskipTests package first");
    }
    Vertx vertx = Vertx.vertx();
    HttpServer fake = startFakeGitLab(vertx);
    String fakeUrl = "http://127.0.0.1:" + fake.actualPort();
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(javaBin()));
    String jvmArgs = System.getProperty("gatewayJvmArgs", "");
    if (!jvmArgs.isBlank()) {
      command.addAll(Arrays.asList(jvmArgs.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(Path.of(System.getProperty("java.io.tmpdir"), "gateway-bench.log").toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GITLAB_") || k.startsWith("MCP_"));
    env.put("PORT", Integer.toString(port));
    env.put("HOST", "127.0.0.1");
    env.put("GITLAB_API_URL", fakeUrl);
    env.put("REMOTE_AUTHORIZATION", "true");
    env.put("MAX_SESSIONS", Integer.toString(idleSessions + sessions + 100));
    env.put("MAX_REQUESTS_PER_MINUTE", "1000000");
    env.put("UNAUTHENTICATED_REQUESTS_PER_MINUTE", "1000000");
    long t0 = System.nanoTime();
    Process gateway = pb.start();
    try {
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(concurrency));
      long readyMs = waitHealthy(client, port, t0);
      String base = "http://127.0.0.1:" + port + "/mcp";
      int toolsListBytes = toolsListBytes(client, base, token(0));

      List<String> ids = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        ids.add(await(initialize(client, base, token(i))));
      }
      // -Dmethod=ping measures the gateway without the GitLab hop.
      String callBody = "ping".equals(System.getProperty("method"))
          ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
          : new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
              .put("params", new JsonObject().put("name", "get_project").put("arguments",
                  new JsonObject().put("project_id", "acme/platform/gateway"))).encode();
      // Warm up the JIT on both sides before measuring.
      run(vertx, concurrency, 3, i -> mcpCall(client, base, token(i % sessions), ids.get(i % sessions), callBody));
      Result gw = run(vertx, concurrency, seconds,
          i -> mcpCall(client, base, token(i % sessions), ids.get(i % sessions), callBody));
      long rssLoad = rssKb(gateway.pid());
      run(vertx, concurrency, 2, i -> direct(client, fakeUrl));
      Result ceiling = run(vertx, concurrency, seconds, i -> direct(client, fakeUrl));

      java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      String initBody = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
          .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
              .put("clientInfo", new JsonObject().put("name", "bench-idle").put("version", "1"))).encode();
      for (int i = 0; i < idleSessions; i++) {
        var resp = jdk.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base))
            .timeout(java.time.Duration.ofSeconds(10))
            .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
            .header("Authorization", "Bearer " + token(i % sessions))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(initBody)).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
        if (resp.statusCode() != 200) {
          throw new IllegalStateException("idle session " + i + " answered " + resp.statusCode());
        }
      }
      System.gc();
      long rssIdle = rssKb(gateway.pid());

      System.out.printf("%nBenchmark: %d sessions, concurrency %d, %d s, remote authorization, tools/call get_project%n",
          sessions, concurrency, seconds);
      System.out.println("| measure | value |");
      System.out.println("|---|---|");
      System.out.printf("| gateway throughput | %.0f req/s |%n", gw.rps());
      System.out.printf("| gateway latency p50 / p90 / p99 | %.2f / %.2f / %.2f ms |%n", gw.p(50), gw.p(90), gw.p(99));
      System.out.printf("| gateway errors | %d of %d |%n", gw.errors, gw.count);
      System.out.printf("| fake GitLab direct (ceiling) | %.0f req/s, p50 %.2f ms, p99 %.2f ms |%n", ceiling.rps(),
          ceiling.p(50), ceiling.p(99));
      System.out.printf("| ratio gateway / ceiling | %.2f |%n", gw.rps() / ceiling.rps());
      System.out.printf("| added latency p50 / p99 | %.2f / %.2f ms |%n", gw.p(50) - ceiling.p(50),
          gw.p(99) - ceiling.p(99));
      System.out.printf("| gateway RSS under load | %d MB |%n", rssLoad / 1024);
      System.out.printf("| gateway RSS with %d idle sessions | %d MB |%n", idleSessions, rssIdle / 1024);
      System.out.printf("| start to first /health 200 | %d ms |%n", readyMs);
      System.out.printf("| tools/list size | %d bytes |%n", toolsListBytes);
    } finally {
      gateway.destroy();
      gateway.waitFor(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static String token(int user) {
    return String.format("glpat-bench-user-%08d", user);
  }

  static HttpServer startFakeGitLab(Vertx vertx) throws Exception {
    Buffer project = Buffer.buffer(PROJECT);
    return vertx.createHttpServer().requestHandler(req -> {
      String path = req.path();
      if (path.equals("/api/v4/user")) {
        String auth = req.getHeader("Authorization");
        String digits = auth == null ? "0" : auth.replaceAll("\\D", "");
        long id = digits.isEmpty() ? 0 : Long.parseLong(digits.substring(Math.max(0, digits.length() - 9)));
        req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("id", id + 1).put("username", "user" + id).encode());
      } else if (path.startsWith("/api/v4/projects/")) {
        req.response().putHeader("Content-Type", "application/json").end(project);
      } else {
        req.response().setStatusCode(404).end("{\"message\":\"404 Not Found\"}");
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
  }

  static Future<String> initialize(HttpClientAgent client, String url, String token) {
    String body = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "bench").put("version", "1"))).encode();
    return client.request(post(url, token, null)).compose(r -> r.send(body)).compose(resp -> {
      String id = resp.getHeader("Mcp-Session-Id");
      return resp.body().map(b -> {
        if (id == null) {
          throw new IllegalStateException("initialize answered " + resp.statusCode() + ": " + b);
        }
        return id;
      });
    });
  }

  static int toolsListBytes(HttpClientAgent client, String url, String token) throws Exception {
    String session = await(initialize(client, url, token));
    return await(client.request(post(url, token, session))
        .compose(r -> r.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"))
        .compose(resp -> resp.body().map(Buffer::length)));
  }

  static RequestOptions post(String url, String token, String session) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json, text/event-stream")
        .putHeader("Authorization", "Bearer " + token);
    if (session != null) {
      o.putHeader("Mcp-Session-Id", session);
    }
    return o;
  }

  static Future<Boolean> mcpCall(HttpClientAgent client, String url, String token, String session, String body) {
    return client.request(post(url, token, session)).compose(r -> r.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200 && b.toString().contains("\"result\":")
            && !b.toString().contains("\"isError\":true")));
  }

  static Future<Boolean> direct(HttpClientAgent client, String fakeUrl) {
    return client.request(new RequestOptions().setAbsoluteURI(fakeUrl + "/api/v4/projects/acme%2Fplatform%2Fgateway")
            .putHeader("PRIVATE-TOKEN", token(0)))
        .compose(r -> r.send()).compose(resp -> resp.body().map(b -> resp.statusCode() == 200));
  }

  interface Call {
    Future<Boolean> start(int i);
  }

  static final class Result {
    final long[] latenciesNs;
    final long count;
    final long errors;
    final double seconds;

    Result(long[] lat, long count, long errors, double seconds) {
      this.latenciesNs = lat;
      this.count = count;
      this.errors = errors;
      this.seconds = seconds;
    }

    double rps() {
      return count / seconds;
    }

    double p(int pct) {
      if (latenciesNs.length == 0) {
        return Double.NaN;
      }
      int idx = (int) Math.min(latenciesNs.length - 1, Math.ceil(pct / 100.0 * latenciesNs.length) - 1);
      return latenciesNs[Math.max(0, idx)] / 1e6;
    }
  }

  /** C closed loops for the given time; every latency recorded. */
  static Result run(Vertx vertx, int concurrency, int seconds, Call call) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong count = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<long[]> perLoop = new ArrayList<>();
    List<Future<Void>> loops = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      long[][] buf = {new long[1024]};
      int[] n = {0};
      Promise<Void> done = Promise.promise();
      int loop = c;
      vertx.runOnContext(v -> next(call, loop, end, count, errors, buf, n, done));
      loops.add(done.future().onSuccess(v -> {
        synchronized (perLoop) {
          perLoop.add(Arrays.copyOf(buf[0], n[0]));
        }
      }));
    }
    Future.all(loops).toCompletionStage().toCompletableFuture().get(seconds + 60L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all = perLoop.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(all, count.get(), errors.get(), elapsed);
  }

  private static void next(Call call, int loop, long end, AtomicLong count, AtomicLong errors, long[][] buf, int[] n,
                           Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    long t = System.nanoTime();
    call.start(loop).onComplete(ar -> {
      long lat = System.nanoTime() - t;
      if (n[0] == buf[0].length) {
        buf[0] = Arrays.copyOf(buf[0], n[0] * 2);
      }
      buf[0][n[0]++] = lat;
      count.incrementAndGet();
      if (ar.failed() || !ar.result()) {
        errors.incrementAndGet();
      }
      next(call, (loop + 997) & 0x3fffffff, end, count, errors, buf, n, done);
    });
  }

  static long waitHealthy(HttpClientAgent client, int port, long t0) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        int status = await(client.request(new RequestOptions().setAbsoluteURI("http://127.0.0.1:" + port + "/health"))
            .compose(r -> r.send()).compose(resp -> resp.body().map(b -> resp.statusCode())));
        if (status == 200) {
          return (System.nanoTime() - t0) / 1_000_000;
        }
      } catch (Exception notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the gateway did not become healthy in 30 s");
  }

  static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
