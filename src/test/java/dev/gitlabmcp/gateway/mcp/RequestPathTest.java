package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The request path's checks as a client meets them: names, batches, limits, slow bodies, the guard. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RequestPathTest {

  private static WireMockServer gitlab;

  @BeforeAll
  static void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
  }

  @AfterAll
  static void stop() {
    gitlab.stop();
  }

  private static String ping(int id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}";
  }

  private static JsonArray pings(int n) {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < n; i++) {
      batch.add(new JsonObject(ping(i)));
    }
    return batch;
  }

  private static String initializeAs(String clientName) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", clientName).put("version", "1"))).encode();
  }

  @Test
  void should_start_sessions_for_client_names_with_any_characters() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl())) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      for (String name : new String[] {"Claude (desktop)", "Cursor/1.2 ✓", "x".repeat(500) + "(", "((()))", ""}) {
        HttpResponse<String> r = mcp.post(RawMcp.postHeaders(), initializeAs(name));
        assertEquals(200, r.statusCode(), name + ": " + r.body());
        assertTrue(r.headers().firstValue("Mcp-Session-Id").isPresent());
        assertEquals("2025-11-25", new JsonObject(r.body()).getJsonObject("result").getString("protocolVersion"));
      }
    }
  }

  @Test
  void should_refuse_a_batch_longer_than_the_cap_with_a_clear_error() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl())) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize("2025-03-26");
      HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s), pings(PostHandler.MAX_BATCH + 1).encode());
      assertEquals(400, r.statusCode());
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertEquals(-32600, error.getInteger("code"));
      assertTrue(error.getString("message").contains("at most " + PostHandler.MAX_BATCH), error.getString("message"));
    }
  }

  @Test
  void should_charge_every_request_of_a_batch_to_the_session_window() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("server.publicUrl", "https://mcp.example.com",
        "auth.mcpToken", "mcp-shared-secret-0123456789", "mcp.maxRequestsPerMinute", "5"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      Map<String, String> auth = Map.of("Authorization", "Bearer mcp-shared-secret-0123456789");
      HttpResponse<String> init = mcp.post(with(RawMcp.postHeaders(), auth), RawMcp.initializeBody("2025-03-26"));
      String s = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
      HttpResponse<String> refused = mcp.post(with(RawMcp.postHeaders(s), auth), pings(6).encode());
      assertEquals(429, refused.statusCode(), refused.body());
      assertTrue(new JsonObject(refused.body()).getString("message").contains("this batch holds 6 requests"));
      HttpResponse<String> ok = mcp.post(with(RawMcp.postHeaders(s), auth), pings(5).encode());
      assertEquals(200, ok.statusCode(), "the refused batch took nothing: " + ok.body());
      assertEquals(5, new JsonArray(ok.body()).size());
      assertEquals(429, mcp.post(with(RawMcp.postHeaders(s), auth), ping(9)).statusCode(), "the window is spent");
    }
  }

  private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new java.util.LinkedHashMap<>(a);
    m.putAll(b);
    return m;
  }

  @Test
  void should_not_limit_a_local_single_user_gateway_per_session() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("mcp.maxRequestsPerMinute", "3"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      for (int i = 0; i < 20; i++) {
        assertEquals(200, mcp.post(RawMcp.postHeaders(s), ping(i)).statusCode(), "call " + i);
      }
    }
  }

  @Test
  void should_never_refuse_notifications_or_ending_a_session_on_a_shared_gateway() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("server.publicUrl", "https://mcp.example.com",
        "auth.mcpToken", "mcp-shared-secret-0123456789", "mcp.maxRequestsPerMinute", "2"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      Map<String, String> auth = Map.of("Authorization", "Bearer mcp-shared-secret-0123456789");
      String s = mcp.post(with(RawMcp.postHeaders(), auth), RawMcp.initializeBody("2025-11-25")).headers()
          .firstValue("Mcp-Session-Id").orElseThrow();
      assertEquals(200, mcp.post(with(RawMcp.postHeaders(s), auth), ping(1)).statusCode());
      assertEquals(200, mcp.post(with(RawMcp.postHeaders(s), auth), ping(2)).statusCode());
      assertEquals(429, mcp.post(with(RawMcp.postHeaders(s), auth), ping(3)).statusCode());
      assertEquals(202, mcp.post(with(RawMcp.postHeaders(s), auth),
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3}}").statusCode());
      Map<String, String> del = with(Map.of("Mcp-Session-Id", s), auth);
      assertEquals(204, mcp.send("DELETE", del, null).statusCode(), "ending a session is never refused");
      assertEquals(404, mcp.post(with(RawMcp.postHeaders(s), auth), ping(4)).statusCode());
    }
  }

  @Test
  void should_answer_408_and_close_when_a_body_trickles_in_too_slowly() throws Exception {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("server.requestBodyTimeoutSeconds", "1"));
         Socket socket = new Socket("127.0.0.1", gw.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\"")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // A byte now and then would keep an idle timeout from firing; the body deadline still does.
      for (int i = 0; i < 3; i++) {
        Thread.sleep(400);
        try {
          out.write(' ');
          out.flush();
        } catch (java.io.IOException closed) {
          break;
        }
      }
      String answer = readAll(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("MCP_REQUEST_BODY_TIMEOUT_SECONDS"), answer);
      // The gateway keeps serving others.
      assertEquals(200, new RawMcp(gw.mcpUrl()).post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"))
          .statusCode());
    }
  }

  private static String readAll(InputStream in) throws java.io.IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    try {
      while ((n = in.read(buf)) > 0) {
        b.write(buf, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // the gateway closed the connection after answering
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void should_guard_health_and_metrics_against_dns_rebinding_but_admit_probes_by_address() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl())) {
      for (String path : new String[] {"/health", "/metrics", "/metrics.json"}) {
        HttpResponse<String> rebound = rawGet(gw.port(), path, "attacker.example:" + gw.port());
        assertEquals(403, rebound.statusCode(), path);
        HttpResponse<String> probe = rawGet(gw.port(), path, "10.1.2.3:" + gw.port());
        assertEquals(200, probe.statusCode(), path + " from a Kubernetes probe");
      }
      assertEquals(403, rawGet(gw.port(), "/mcp", "10.1.2.3:" + gw.port()).statusCode(),
          "/mcp keeps its host allowlist");
    }
  }

  /** A GET with a Host header of our choosing (java.net.http will not send a forged Host). */
  private static HttpResponse<String> rawGet(int port, String path, String host) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
          + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(socket.getInputStream());
      int status = Integer.parseInt(answer.substring(9, 12));
      return new FixedResponse(status, answer.substring(answer.indexOf("\r\n\r\n") + 4));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private record FixedResponse(int statusCode, String body) implements HttpResponse<String> {
    public java.net.http.HttpRequest request() {
      return null;
    }

    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }

    public java.net.URI uri() {
      return null;
    }

    public java.net.http.HttpClient.Version version() {
      return java.net.http.HttpClient.Version.HTTP_1_1;
    }
  }
}
