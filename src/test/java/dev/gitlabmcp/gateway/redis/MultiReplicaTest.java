package dev.gitlabmcp.gateway.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.HeldResponses;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Three gateway processes sharing one Redis behind a real round-robin load balancer (HAProxy) with no
 * stickiness: every request may land on any replica, and one replica is killed with SIGKILL mid-run.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MultiReplicaTest {

  private static final String TOKEN = "mcp-shared-secret-0123456789";
  private static final int SESSIONS = 300;
  private static final HeldResponses held = new HeldResponses();
  private static WireMockServer gitlab;
  private static TestRedis redis;
  private static final List<Process> replicas = new ArrayList<>();
  private static final List<Integer> replicaPorts = new ArrayList<>();
  private static Process haproxy;
  private static int lbPort;

  @BeforeAll
  static void start() throws Exception {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .extensions(held));
    gitlab.start();
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/held%2Fone")).atPriority(1).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":2}").withTransformers(HeldResponses.NAME)));
    gitlab.stubFor(get(urlPathMatching("/api/v4/projects/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"name\":\"app\",\"path_with_namespace\":\"acme/app\"}")));
    redis = TestRedis.startOwn();
    lbPort = freePort();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int port = freePort();
      ports.add(port);
      replicaPorts.add(port);
      replicas.add(replica(port));
    }
    for (int port : ports) {
      awaitHealth(port);
    }
    haproxy = haproxy(ports);
    awaitHealth(lbPort);
  }

  @AfterAll
  static void stop() {
    held.release();
    if (haproxy != null) {
      haproxy.destroyForcibly();
    }
    replicas.forEach(Process::destroyForcibly);
    if (redis != null) {
      redis.stop();
    }
    if (gitlab != null) {
      gitlab.stop();
    }
  }

  private static Process replica(int port) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.gitlabmcp.gateway.Main",
        "serve", "--port", Integer.toString(port));
    Map<String, String> env = pb.environment();
    env.put("HOST", "127.0.0.1");
    env.put("GITLAB_API_URL", gitlab.baseUrl());
    env.put("GITLAB_PERSONAL_ACCESS_TOKEN", "glpat-test-token-0123456789");
    env.put("GITLAB_BACKGROUND_CHECKS", "false");
    env.put("REDIS_URL", redis.url());
    env.put("GATEWAY_ENCRYPTION_KEY", dev.gitlabmcp.gateway.testing.TestGateway.ENCRYPTION_KEY);
    env.put("REDIS_KEY_PREFIX", "multi:");
    env.put("MCP_AUTH_TOKEN", TOKEN);
    env.put("MCP_SERVER_URL", "http://127.0.0.1:" + lbPort); // a shared gateway: per-session limits apply
    env.put("MAX_REQUESTS_PER_MINUTE", "30");
    env.put("GITLAB_INSTANCES_FILE", "");
    Path log = Files.createTempFile("replica-" + port, ".log");
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Process haproxy(List<Integer> ports) throws IOException {
    StringBuilder cfg = new StringBuilder("""
        global
          maxconn 2000
        defaults
          mode http
          timeout connect 2s
          timeout client 30s
          timeout server 30s
          retries 3
          option redispatch
          option http-server-close
        frontend mcp
        """);
    cfg.append("  bind 127.0.0.1:").append(lbPort).append("\n  default_backend replicas\n")
        .append("backend replicas\n  balance roundrobin\n  option httpchk\n")
        .append("  http-check send meth GET uri /health/live ver HTTP/1.1 hdr Host 127.0.0.1\n");
    for (int i = 0; i < ports.size(); i++) {
      cfg.append("  server r").append(i).append(" 127.0.0.1:").append(ports.get(i)).append(" check inter 500 fall 2 rise 1\n");
    }
    Path file = Files.createTempFile("haproxy", ".cfg");
    Files.writeString(file, cfg.toString());
    // Debian puts it in /usr/sbin, which a non-root PATH may lack.
    String binary = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
    return new ProcessBuilder(binary, "-f", file.toString()).redirectErrorStream(true)
        .redirectOutput(Files.createTempFile("haproxy", ".log").toFile()).start();
  }

  private static long rssKb(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitHealth(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        if (new RawMcp("http://127.0.0.1:" + port + "/health").send("GET", Map.of(), null).statusCode() == 200) {
          return;
        }
      } catch (IOException | IllegalStateException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("nothing healthy on port " + port);
  }

  private static Map<String, String> h(String session) {
    Map<String, String> m = new LinkedHashMap<>(session == null ? RawMcp.postHeaders() : RawMcp.postHeaders(session));
    m.put("Authorization", "Bearer " + TOKEN);
    return m;
  }

  private static String call(int id) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call").put("params",
        new JsonObject().put("name", "get_project").put("arguments", new JsonObject().put("project_id", "acme/app")))
        .encode();
  }

  /** One request through the balancer, retried once when the replica it reached was gone. */
  private static HttpResponse<String> send(RawMcp mcp, String session, String body, int[] retries) {
    HttpResponse<String> r;
    try {
      r = mcp.post(h(session), body);
    } catch (IllegalStateException broken) {
      r = null;
    }
    if (r == null || r.statusCode() == 502 || r.statusCode() == 503) {
      retries[0]++;
      r = mcp.fresh().post(h(session), body);
    }
    return r;
  }

  @Test
  void should_serve_every_session_on_any_replica_and_lose_none_when_one_is_killed() {
    RawMcp mcp = new RawMcp("http://127.0.0.1:" + lbPort + "/mcp");
    int[] retries = {0};
    int requests = 0;
    int failures = 0;
    List<String> sessions = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < SESSIONS; i++) {
      HttpResponse<String> init = send(mcp, null, RawMcp.initializeBody("2025-11-25"), retries);
      requests++;
      assertEquals(200, init.statusCode(), init.body());
      sessions.add(init.headers().firstValue("Mcp-Session-Id").orElseThrow());
    }
    for (int round = 0; round < 3; round++) {
      if (round == 1) {
        replicas.get(1).destroyForcibly(); // SIGKILL: no goodbye, sessions must survive in Redis
      }
      for (String s : sessions) {
        HttpResponse<String> r = send(mcp, s, call(round), retries);
        requests++;
        boolean ok = r.statusCode() == 200 && !RawMcp.isError(RawMcp.lastMessage(r));
        failures += ok ? 0 : 1;
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("multi-replica: %d sessions, %d requests, %d failures, %d retried once, %d ms%n", SESSIONS,
        requests, failures, retries[0], ms);
    System.out.printf("multi-replica RSS of the live replicas (-Xmx256m, Serial GC): %s MB%n", replicas.stream()
        .filter(Process::isAlive).map(p -> Long.toString(rssKb(p.pid()) / 1024)).toList());
    assertEquals(0, failures, "every call succeeds, before and after a replica is killed");
    assertNoSecretInRedis();
  }

  /** Every key the replicas wrote carries the prefix and a TTL, and no key or value holds a token. */
  private static void assertNoSecretInRedis() {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(vertx, redis.url());
    try {
      List<String> keys = new ArrayList<>();
      String cursor = "0";
      do {
        io.vertx.redis.client.Response page = await(client.send(io.vertx.redis.client.Request.cmd(
            io.vertx.redis.client.Command.SCAN).arg(cursor).arg("COUNT").arg(1000)));
        cursor = page.get(0).toString();
        page.get(1).forEach(k -> keys.add(k.toString()));
      } while (!"0".equals(cursor));
      assertTrue(keys.size() > SESSIONS, "sessions, indexes and windows are in Redis: " + keys.size());
      for (String key : keys) {
        assertTrue(key.startsWith("multi:"), key);
        assertTrue(await(client.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PTTL).arg(key)))
            .toLong() > 0, key + " has a TTL");
        String value = String.valueOf(await(client.send(io.vertx.redis.client.Request.cmd(
            io.vertx.redis.client.Command.DUMP).arg(key))));
        for (String secret : new String[] {"glpat-test-token-0123456789", TOKEN}) {
          assertFalse(key.contains(secret) || value.contains(secret), key + " holds a secret");
        }
      }
      System.out.printf("multi-replica redis: %d keys, all prefixed, all with a TTL, no secret%n", keys.size());
    } finally {
      client.close();
      vertx.close();
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void should_hold_the_per_session_limit_across_replicas() {
    RawMcp mcp = new RawMcp("http://127.0.0.1:" + lbPort + "/mcp");
    int[] retries = {0};
    String s = openSession(mcp, retries);
    int allowed = 0;
    for (int i = 0; i < 60; i++) {
      HttpResponse<String> r = send(mcp, s, "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}", retries);
      allowed += r.statusCode() == 200 ? 1 : 0;
      assertTrue(r.statusCode() == 200 || r.statusCode() == 429, "status " + r.statusCode());
    }
    System.out.printf("multi-replica limit: %d of 60 allowed against 30 per minute%n", allowed);
    assertTrue(allowed >= 27 && allowed <= 33, "30 a minute within 10% across the replicas: " + allowed);
  }

  private static String openSession(RawMcp mcp, int[] retries) {
    return send(mcp, null, RawMcp.initializeBody("2025-11-25"), retries).headers().firstValue("Mcp-Session-Id")
        .orElseThrow();
  }

  @Test
  void should_cancel_a_call_on_whichever_replica_runs_it() throws Exception {
    RawMcp mcp = new RawMcp("http://127.0.0.1:" + lbPort + "/mcp");
    int[] retries = {0};
    String s = openSession(mcp, retries);
    int before = held.arrived();
    String slow = new JsonObject().put("jsonrpc", "2.0").put("id", 77).put("method", "tools/call").put("params",
        new JsonObject().put("name", "get_project").put("arguments", new JsonObject().put("project_id", "held/one")))
        .encode();
    CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> mcp.fresh().post(h(s), slow));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (held.arrived() == before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(held.arrived() > before, "the call reached GitLab, where its answer is held");
    // Round robin sends the cancel to the next replica, not to the one running the call: Redis carries it over.
    HttpResponse<String> cancel = mcp.post(h(s),
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":77}}");
    assertEquals(202, cancel.statusCode(), cancel.body());
    // The answer is held for a minute: only the cancel can end the call this soon.
    JsonObject answer = RawMcp.lastMessage(call.get(20, TimeUnit.SECONDS));
    assertEquals(-32800, answer.getJsonObject("error").getInteger("code"), answer.encode());
  }

  @Test
  void should_answer_503_while_redis_restarts_and_recover_without_restarting_a_replica() throws Exception {
    RawMcp mcp = new RawMcp("http://127.0.0.1:" + lbPort + "/mcp");
    int[] retries = {0};
    String s = openSession(mcp, retries);
    assertEquals(200, send(mcp, s, call(1), retries).statusCode());
    redis.stop();
    long downAt = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = mcp.fresh().post(h(i % 2 == 0 ? s : null), i % 2 == 0 ? call(10 + i)
          : RawMcp.initializeBody("2025-11-25"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(503, r.statusCode(), "while Redis is down: " + r.body());
      assertTrue(r.headers().firstValue("Retry-After").isPresent(), "a retry hint");
      assertTrue(ms < 5_000, "answered at once, not after a hang: " + ms + " ms");
    }
    for (int port : replicaPorts) {
      if (replicas.get(replicaPorts.indexOf(port)).isAlive()) {
        assertEquals(503, new RawMcp("http://127.0.0.1:" + port + "/health/ready").send("GET", Map.of(), null)
            .statusCode(), "not ready while Redis is down");
      }
    }
    redis = redis.restart();
    long upAt = System.nanoTime();
    String fresh = null;
    while (fresh == null && System.nanoTime() - upAt < TimeUnit.SECONDS.toNanos(30)) {
      HttpResponse<String> r = mcp.fresh().post(h(null), RawMcp.initializeBody("2025-11-25"));
      assertTrue(r.statusCode() == 200 || r.statusCode() == 503, "never a 500: " + r.statusCode());
      fresh = r.statusCode() == 200 ? r.headers().firstValue("Mcp-Session-Id").orElseThrow() : null;
      if (fresh == null) {
        Thread.sleep(100);
      }
    }
    long recoverMs = (System.nanoTime() - upAt) / 1_000_000;
    assertTrue(fresh != null, "a session starts again once Redis is back");
    for (int i = 0; i < 6; i++) { // round robin: every live replica serves again
      HttpResponse<String> r = mcp.post(h(fresh), call(20 + i));
      assertEquals(200, r.statusCode(), r.body());
      assertFalse(RawMcp.isError(RawMcp.lastMessage(r)), r.body());
    }
    System.out.printf("multi-replica redis restart: down %d ms, serving again %d ms after Redis was back%n",
        (upAt - downAt) / 1_000_000, recoverMs);
  }
}
