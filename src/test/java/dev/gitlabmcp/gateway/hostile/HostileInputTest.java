package dev.gitlabmcp.gateway.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * What an attacker or a broken client can send, and what each gets back: the documented status or
 * JSON-RPC error, never a 500, never a token or a stack trace in an answer or a log line; and a
 * well-behaved client is served before, during and after every attack.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HostileInputTest {

  private static final int MAX_BODY = 2 * 1024 * 1024;
  private static final int IDLE_TIMEOUT_SECONDS = 5;
  private static final String GOOD_USER_TOKEN = "glpat-good-user-000000000000";
  private static final String EXPIRED_TOKEN = "glpat-expired-111111111111111";
  private static final String REVOKED_TOKEN = "glpat-revoked-22222222222222";
  private static final List<String> SECRETS = List.of(TestGateway.GITLAB_TOKEN, GOOD_USER_TOKEN, EXPIRED_TOKEN,
      REVOKED_TOKEN);

  private static WireMockServer gitlab;
  /** Server-side token; the most requests an attack may make are a session's limit. */
  private static TestGateway gateway;
  /** Each caller brings their own GitLab token. */
  private static TestGateway remote;
  private static RawMcp mcp;
  private static RawMcp remoteMcp;
  private static LogCapture logs;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** Every answer a test received, checked after the test for 500s, tokens and stack traces. */
  private final List<String> answers = new ArrayList<>();
  private final List<Integer> statuses = new ArrayList<>();

  @BeforeAll
  static void start() {
    logs = new LogCapture();
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("server.maxBodyBytes", Integer.toString(MAX_BODY));
    s.put("server.idleTimeoutSeconds", Integer.toString(IDLE_TIMEOUT_SECONDS));
    s.put("mcp.maxRequestsPerMinute", "100000");
    gateway = TestGateway.start(gitlab.baseUrl(), s);
    Map<String, String> r = new LinkedHashMap<>(s);
    r.put("auth.remoteAuthorization", "true");
    r.put("mcp.unauthenticatedRequestsPerMinute", "100000");
    r.put("mcp.maxSessionsPerUser", "100000"); // every test here opens sessions as the same user
    remote = TestGateway.start(gitlab.baseUrl(), r);
    mcp = new RawMcp(gateway.mcpUrl());
    remoteMcp = new RawMcp(remote.mcpUrl());
  }

  @AfterAll
  static void stop() {
    try {
      gateway.close();
      remote.close();
      gitlab.stop();
    } finally {
      logs.close();
    }
  }

  @BeforeEach
  void stubs() {
    gitlab.resetAll();
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/acme%2Fgood")).willReturn(json(200,
        "{\"id\":1,\"name\":\"good-project\",\"path_with_namespace\":\"acme/good\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(1)
        .withHeader("Authorization", equalTo("Bearer " + GOOD_USER_TOKEN))
        .willReturn(json(200, "{\"id\":5,\"username\":\"good-user\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(10)
        .willReturn(json(401, "{\"message\":\"401 Unauthorized\"}")));
    // Anything else GitLab is asked: a plain 404, as GitLab answers unknown resources.
    gitlab.stubFor(get(urlPathMatching("/api/v4/.*")).atPriority(20).willReturn(json(404,
        "{\"message\":\"404 Not Found\"}")));
    logs.clear();
  }

  /** After every attack: no 500, nothing secret or internal in any answer or log line, good clients served. */
  @AfterEach
  void nothing_broke() {
    assertGoodClientsServed();
    for (int status : statuses) {
      assertTrue(status < 500, "an attack got " + status);
    }
    for (String a : answers) {
      assertClean("answer", a);
    }
    for (String line : logs.lines()) {
      assertClean("log line", line);
    }
  }

  private static void assertClean(String what, String text) {
    for (String secret : SECRETS) {
      assertFalse(text.contains(secret), what + " contains a token: " + clip(text));
    }
    assertFalse(text.contains("\tat "), what + " contains a stack trace: " + clip(text));
    assertFalse(text.contains("Exception"), what + " names a Java exception: " + clip(text));
  }

  private static String clip(String s) {
    return s.length() > 600 ? s.substring(0, 600) + "..." : s;
  }

  private static void assertGoodClientsServed() {
    // New clients on new connections: a test with a 5 s idle timeout may have just closed a pooled one, and a
    // client that reuses a connection the server closed sees EOF on a POST (it is not retried): that is HTTP,
    // not the gateway failing to serve.
    RawMcp good = mcp.fresh();
    RawMcp goodRemote = remoteMcp.fresh();
    JsonObject r = good.callTool(good.initialize(), "get_project", new JsonObject().put("project_id", "acme/good"));
    assertFalse(RawMcp.isError(r), RawMcp.text(r));
    assertTrue(RawMcp.text(r).contains("good-project"), RawMcp.text(r));
    Map<String, String> h = RawMcp.postHeaders();
    h.put("Authorization", "Bearer " + GOOD_USER_TOKEN);
    HttpResponse<String> init = goodRemote.post(h, RawMcp.initializeBody("2025-11-25"));
    assertEquals(200, init.statusCode(), init.body());
    h.put("Mcp-Session-Id", init.headers().firstValue("Mcp-Session-Id").orElseThrow());
    HttpResponse<String> call = goodRemote.post(h, toolCall("get_project", new JsonObject().put("project_id",
        "acme/good")));
    assertTrue(RawMcp.text(RawMcp.lastMessage(call)).contains("good-project"), call.body());
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  private static String toolCall(String tool, Object args) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 11).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", args)).encode();
  }

  // ---- sending, and recording what came back ----

  private HttpResponse<String> post(Map<String, String> headers, byte[] body) {
    return post(gateway, headers, body);
  }

  private HttpResponse<String> post(TestGateway gw, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = HTTP.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      record(r);
      return r;
    } catch (Exception e) {
      throw new IllegalStateException("POST failed: " + e, e);
    }
  }

  private HttpResponse<String> post(Map<String, String> headers, String body) {
    return post(headers, body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> post(TestGateway gw, Map<String, String> headers, String body) {
    return post(gw, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  private void record(HttpResponse<String> r) {
    statuses.add(r.statusCode());
    answers.add(r.headers().map() + "\n" + r.body());
  }

  private RawHttp.Answer raw(String request) {
    return raw(RawHttp.ascii(request));
  }

  private RawHttp.Answer raw(byte[] request) {
    RawHttp.Answer a = RawHttp.exchange(gateway.port(), request, 3000);
    statuses.add(a.status());
    answers.add(a.text());
    return a;
  }

  private static int rpcCode(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getInteger("code");
  }

  private static String rawPost(String headers, String body) {
    return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Accept: application/json, text/event-stream\r\nConnection: close\r\n" + headers
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
  }

  // ---- JSON ----

  @Test
  void should_answer_malformed_json_with_a_parse_error() {
    String s = mcp.initialize();
    for (String bad : List.of("{", "{\"jsonrpc\":", "nul", "}{", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}{}",
        "{'jsonrpc':'2.0'}", "NaN", "\u0000", "{\"a\":01}", "[,]", "{\"id\":1,,}")) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s), bad);
      assertEquals(400, r.statusCode(), bad);
      assertEquals(-32700, rpcCode(r), bad);
    }
  }

  @Test
  void should_refuse_deeply_nested_json_with_a_parse_error() {
    String s = mcp.initialize();
    for (String deep : List.of("[".repeat(100_000), "[".repeat(100_000) + "]".repeat(100_000),
        "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000),
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":" + "[".repeat(20_000)
            + "]".repeat(20_000) + "}}")) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s), deep);
      assertEquals(400, r.statusCode(), deep.substring(0, 40));
      assertEquals(-32700, rpcCode(r));
    }
  }

  @Test
  void should_validate_nesting_within_the_parser_limit_as_tool_arguments() {
    // Deep, but within what the JSON parser accepts: it reaches the schema check and fails there.
    JsonObject deep = new JsonObject();
    JsonObject cur = deep;
    for (int i = 0; i < 500; i++) {
      JsonObject next = new JsonObject();
      cur.put("n", next);
      cur = next;
    }
    HttpResponse<String> r = post(RawMcp.postHeaders(mcp.initialize()), toolCall("get_project",
        new JsonObject().put("project_id", deep)));
    assertEquals(200, r.statusCode());
    JsonObject answer = RawMcp.lastMessage(r);
    assertTrue(RawMcp.isError(answer));
    assertTrue(RawMcp.text(answer).contains("project_id"), RawMcp.text(answer));
    gitlab.verify(0, anyRequestedFor(urlPathMatching("/api/v4/projects/.*n.*")));
  }

  @Test
  void should_survive_huge_strings_and_arrays_within_the_body_limit() {
    String s = mcp.initialize();
    String huge = "x".repeat(MAX_BODY - 200);
    // A huge string where a ping ignores it.
    HttpResponse<String> ping = post(RawMcp.postHeaders(s), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\","
        + "\"params\":{\"pad\":\"" + huge + "\"}}");
    assertEquals(200, ping.statusCode());
    assertEquals(new JsonObject(), new JsonObject(ping.body()).getJsonObject("result"));
    // A huge string as a tool argument: GitLab refuses the URL (414), the model reads an error.
    HttpResponse<String> call = post(RawMcp.postHeaders(s), toolCall("get_project",
        new JsonObject().put("project_id", huge)));
    assertEquals(200, call.statusCode());
    JsonObject answer = RawMcp.lastMessage(call);
    assertNotNull(answer.getJsonObject("result"), clip(call.body()));
    assertTrue(RawMcp.isError(answer), RawMcp.text(answer));
    assertTrue(call.body().length() < 100_000, "the error repeats the huge value: " + call.body().length());
    // Hundreds of thousands of values: refused before anything walks them (schema checks pay per value).
    JsonArray many = numbers(200_000);
    for (String body : List.of(new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/call")
            .put("params", many).encode(),
        toolCall("list_issues", new JsonObject().put("project_id", "acme/good").put("labels", many)),
        toolCall("get_project", bogusArguments(20_000)))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = post(RawMcp.postHeaders(s), body);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(400, r.statusCode(), clip(r.body()));
      assertEquals(-32600, rpcCode(r));
      assertTrue(new JsonObject(r.body()).getJsonObject("error").getString("message").contains("10000 JSON values"));
      assertTrue(ms < 2000, "took " + ms + " ms");
    }
    // Thousands (within the budget): the schema check answers, briefly, and in well under the blocked-thread limit.
    for (JsonObject args : List.of(new JsonObject().put("project_id", "acme/good").put("labels", numbers(5_000)),
        bogusArguments(4_000))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = post(RawMcp.postHeaders(s), toolCall(args.containsKey("labels") ? "list_issues"
          : "get_project", args));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      JsonObject refused = RawMcp.lastMessage(r);
      assertTrue(RawMcp.isError(refused), clip(r.body()));
      assertTrue(r.body().length() < 10_000, "the error lists every bad value: " + r.body().length());
      assertTrue(ms < 2000, "took " + ms + " ms");
    }
    gitlab.verify(0, anyRequestedFor(urlPathMatching("/api/v4/projects/acme%2Fgood.*")));
  }

  private static JsonArray numbers(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(i);
    }
    return a;
  }

  private static JsonObject bogusArguments(int n) {
    JsonObject o = new JsonObject().put("project_id", "acme/good");
    for (int i = 0; i < n; i++) {
      o.put("bogus" + i, i);
    }
    return o;
  }

  // ---- JSON-RPC ----

  @Test
  void should_answer_wrong_envelope_types_with_invalid_request() {
    String s = mcp.initialize();
    for (String bad : List.of("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":42}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":null}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":[\"ping\"]}",
        "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\"}", "{}", "null", "true", "3.14", "\"ping\"")) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s), bad);
      assertEquals(400, r.statusCode(), bad);
      assertEquals(-32600, rpcCode(r), bad);
    }
  }

  @Test
  void should_answer_params_of_the_wrong_type_with_invalid_params() {
    String s = mcp.initialize();
    for (String params : List.of("[1]", "\"x\"", "42", "true")) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s),
          "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"tools/call\",\"params\":" + params + "}");
      assertEquals(200, r.statusCode(), params);
      assertEquals(-32602, rpcCode(r), params);
      assertEquals("p", new JsonObject(r.body()).getString("id"));
    }
  }

  @Test
  void should_answer_unknown_methods_with_method_not_found() {
    String s = mcp.initialize();
    for (String method : List.of("", "rpc.discover", "tools/call/../../admin", "TOOLS/LIST", "x".repeat(100_000),
        "resources/read", "\u202e\u0000")) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s), new JsonObject().put("jsonrpc", "2.0").put("id", 3)
          .put("method", method).encode());
      assertEquals(200, r.statusCode());
      assertEquals(-32601, rpcCode(r), method.length() > 40 ? method.substring(0, 40) : method);
      assertTrue(r.body().length() < 2_000, "the error repeats the method name: " + r.body().length());
    }
  }

  @Test
  void should_refuse_batches_in_sessions_of_2025_06_18_and_later() {
    for (String version : List.of("2025-06-18", "2025-11-25")) {
      String s = mcp.initialize(version);
      HttpResponse<String> r = post(RawMcp.postHeaders(s), "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]");
      assertEquals(400, r.statusCode(), version);
      assertEquals(-32600, rpcCode(r));
    }
    // Without a session, a batch cannot initialize either.
    HttpResponse<String> noSession = post(RawMcp.postHeaders(), "[" + RawMcp.initializeBody("2025-03-26") + "]");
    assertEquals(400, noSession.statusCode());
    assertEquals(-32600, rpcCode(noSession));
  }

  @Test
  void should_answer_an_empty_or_junk_batch_in_2025_03_26_sessions_without_failing() {
    String s = mcp.initialize("2025-03-26");
    HttpResponse<String> empty = post(RawMcp.postHeaders(s), "[]");
    assertEquals(400, empty.statusCode(), empty.body());
    // JSON-RPC 2.0: an empty array gets a single error object, not an array of one.
    assertEquals(-32600, new JsonObject(empty.body()).getJsonObject("error").getInteger("code"), empty.body());
    HttpResponse<String> junk = post(RawMcp.postHeaders(s), "[1, null, \"x\", [], {\"jsonrpc\":\"2.0\",\"id\":1}]");
    assertEquals(200, junk.statusCode(), junk.body());
    JsonArray answers = new JsonArray(junk.body());
    assertEquals(5, answers.size(), junk.body());
    for (Object a : answers) {
      assertEquals(-32600, ((JsonObject) a).getJsonObject("error").getInteger("code"), junk.body());
    }
  }

  @Test
  void should_answer_invalid_utf8_with_a_parse_error() {
    String s = mcp.initialize();
    byte[] prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"".getBytes(StandardCharsets.US_ASCII);
    for (byte[] junk : List.of(new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {(byte) 0xe2, (byte) 0x82},
        new byte[] {(byte) 0x80}, new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(prefix);
      body.writeBytes(junk);
      body.writeBytes("\"}}".getBytes(StandardCharsets.US_ASCII));
      HttpResponse<String> r = post(RawMcp.postHeaders(s), body.toByteArray());
      assertEquals(400, r.statusCode(), java.util.HexFormat.of().formatHex(junk) + " -> " + r.body());
      assertEquals(-32700, rpcCode(r));
    }
    // The JSON parser decodes overlong forms (C0 AE is '.'): the path check still sees the dots.
    ByteArrayOutputStream overlong = new ByteArrayOutputStream();
    overlong.writeBytes(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_project\","
        + "\"arguments\":{\"project_id\":\"acme/").getBytes(StandardCharsets.US_ASCII));
    overlong.writeBytes(new byte[] {(byte) 0xc0, (byte) 0xae, (byte) 0xc0, (byte) 0xae, (byte) 0xc0, (byte) 0xaf});
    overlong.writeBytes("admin\"}}}".getBytes(StandardCharsets.US_ASCII));
    HttpResponse<String> dots = post(RawMcp.postHeaders(s), overlong.toByteArray());
    assertTrue(dots.statusCode() == 400 || RawMcp.isError(RawMcp.lastMessage(dots)), dots.body());
    gitlab.verify(0, anyRequestedFor(urlPathMatching("/api/v4/projects/acme.*admin.*")));
    // A lone surrogate escape is valid JSON: it reaches the tool and fails there, not on the way to GitLab.
    HttpResponse<String> surrogate = post(RawMcp.postHeaders(s), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
        + "\"params\":{\"name\":\"get_project\",\"arguments\":{\"project_id\":\"acme/\\ud800\"}}}");
    assertEquals(200, surrogate.statusCode());
    assertNotNull(RawMcp.lastMessage(surrogate).getJsonObject("result"), surrogate.body());
  }

  // ---- HTTP ----

  @Test
  void should_refuse_a_body_over_the_limit_with_413_whether_declared_or_streamed() {
    String s = mcp.initialize();
    byte[] big = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(MAX_BODY)
        + "\"}}").getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> declared = post(RawMcp.postHeaders(s), big);
    assertEquals(413, declared.statusCode());
    assertTrue(new JsonObject(declared.body()).getJsonObject("error").getString("message")
        .contains(Integer.toString(MAX_BODY)));
    // Chunked: no Content-Length to refuse up front, so the body handler counts.
    StringBuilder chunked = new StringBuilder("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: " + s + "\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n");
    String part = "x".repeat(64 * 1024);
    for (int i = 0; i < MAX_BODY / part.length() + 2; i++) {
      chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    RawHttp.Answer streamed = raw(chunked.toString());
    assertEquals(413, streamed.status(), clip(streamed.text()));
  }

  @Test
  void should_cut_a_body_that_never_finishes_at_the_idle_timeout_and_serve_others_meanwhile() throws Exception {
    String s = mcp.initialize();
    try (Socket slow = new Socket("127.0.0.1", gateway.port())) {
      slow.setSoTimeout((IDLE_TIMEOUT_SECONDS + 10) * 1000);
      slow.getOutputStream().write(RawHttp.ascii("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMcp-Session-Id: " + s
          + "\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\":"));
      slow.getOutputStream().flush();
      long t0 = System.nanoTime();
      // While that body hangs, others are served.
      assertGoodClientsServed();
      RawHttp.Answer a = RawHttp.read(slow.getInputStream());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      statuses.add(a.status());
      answers.add(a.text());
      assertTrue(a.closed(), "the stalled connection is still open after " + ms + " ms");
      assertTrue(ms >= (IDLE_TIMEOUT_SECONDS - 1) * 1000L && ms < (IDLE_TIMEOUT_SECONDS + 4) * 1000L,
          "closed after " + ms + " ms");
      assertTrue(a.status() == 0 || a.status() == 408, "answered " + a.status());
    }
  }

  @Test
  void should_refuse_cr_lf_and_control_characters_in_header_values_with_400() {
    String s = mcp.initialize();
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    for (String header : List.of("Mcp-Session-Id: " + s + "\rInjected: yes\r\n",
        "Mcp-Session-Id: " + s + "\nInjected: yes\r\n",
        "X-Note: a\u0000b\r\nMcp-Session-Id: " + s + "\r\n")) {
      RawHttp.Answer a = raw(rawPost(header, ping));
      assertEquals(400, a.status(), header.replace("\r", "\\r").replace("\n", "\\n") + " -> " + clip(a.text()));
      assertFalse(a.text().toLowerCase(java.util.Locale.ROOT).contains("injected"), a.text());
    }
    // An obsolete folded line joins the value before it (RFC 9112 5.2): the session id no longer matches.
    RawHttp.Answer folded = raw(rawPost("Mcp-Session-Id: " + s + "\r\n folded: continuation\r\n", ping));
    assertEquals(404, folded.status(), clip(folded.text()));
    assertFalse(folded.text().contains("continuation"), folded.text());
  }

  @Test
  void should_refuse_very_long_headers_and_request_lines_with_431_or_414() {
    String s = mcp.initialize();
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    RawHttp.Answer longHeader = answered(rawPost("Mcp-Session-Id: " + s + "\r\nX-Pad: " + "a".repeat(64 * 1024)
        + "\r\n", ping));
    assertTrue(longHeader.status() == 431 || longHeader.status() == 400, clip(longHeader.text()));
    RawHttp.Answer manyHeaders = answered(rawPost("Mcp-Session-Id: " + s + "\r\n" + "X-A: b\r\n".repeat(10_000), ping));
    assertTrue(manyHeaders.status() == 431 || manyHeaders.status() == 400, clip(manyHeaders.text()));
    RawHttp.Answer longSession = answered(rawPost("Mcp-Session-Id: " + "s".repeat(64 * 1024) + "\r\n", ping));
    assertTrue(longSession.status() == 431 || longSession.status() == 400, clip(longSession.text()));
    RawHttp.Answer longLine = answered("GET /mcp?" + "q".repeat(64 * 1024) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Connection: close\r\n\r\n");
    assertTrue(longLine.status() == 414 || longLine.status() == 400, clip(longLine.text()));
  }

  /**
   * The server answers an oversized head and closes with our bytes still unread, so its kernel may
   * reset the connection before we read the answer: try a few times until one answer is seen.
   */
  private RawHttp.Answer answered(String request) {
    RawHttp.Answer a = null;
    for (int i = 0; i < 5; i++) {
      a = raw(request);
      if (a.status() != 0) {
        return a;
      }
      statuses.remove(statuses.size() - 1); // a reset, not an answer
    }
    return a;
  }

  @Test
  void should_answer_bad_session_ids_with_404_and_never_echo_them() {
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    for (String id : List.of("", " ", "nope", "../../etc/passwd", "%00", "' OR 1=1 --", "<script>alert(1)</script>",
        "0".repeat(48), "s".repeat(8_000))) {
      HttpResponse<String> r = post(RawMcp.postHeaders(id), ping);
      assertTrue(r.statusCode() == 404 || r.statusCode() == 400, id + " -> " + r.statusCode());
      if (id.length() > 3) {
        assertFalse(r.body().contains(id.trim()), r.body());
      }
    }
    // Non-ASCII bytes in the session id, as a raw client sends them.
    byte[] latin = ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Accept: application/json, text/event-stream\r\nConnection: close\r\nMcp-Session-Id: caf\u00e9\u00ff\r\n"
        + "Content-Length: " + ping.length() + "\r\n\r\n" + ping).getBytes(StandardCharsets.ISO_8859_1);
    RawHttp.Answer a = raw(latin);
    assertTrue(a.status() == 404 || a.status() == 400, clip(a.text()));
  }

  // ---- tokens (remote authorization) ----

  @Test
  void should_answer_bad_and_expired_tokens_with_401_and_never_repeat_them() {
    Map<String, String> missing = RawMcp.postHeaders();
    HttpResponse<String> none = post(remote, missing, RawMcp.initializeBody("2025-11-25"));
    assertEquals(401, none.statusCode());
    for (String token : List.of(EXPIRED_TOKEN, REVOKED_TOKEN)) {
      HttpResponse<String> r = post(remote, bearer(RawMcp.postHeaders(), token), RawMcp.initializeBody("2025-11-25"));
      assertEquals(401, r.statusCode(), r.body());
      assertEquals("Invalid GitLab token", new JsonObject(r.body()).getString("error"));
      assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }
    for (String malformed : List.of("", "short", "x".repeat(10_000), "glpat-has spaces in it here", "Basic abc",
        "glpat-\u00e9\u00e8-not-ascii-at-all-0000")) {
      Map<String, String> h = RawMcp.postHeaders();
      if (malformed.startsWith("Basic")) {
        h.put("Authorization", malformed);
      } else {
        h.put("Private-Token", malformed);
      }
      HttpResponse<String> r = postLenient(remote, h, RawMcp.initializeBody("2025-11-25"));
      if (r == null) {
        continue; // the JDK client refuses to send a non-ASCII header at all
      }
      assertEquals(401, r.statusCode(), malformed.length() > 40 ? malformed.substring(0, 40) : malformed);
      if (malformed.length() > 5) {
        assertFalse(r.body().contains(malformed), r.body());
      }
    }
    // A token that expires mid-session: the session is not a way around verification.
    Map<String, String> good = bearer(RawMcp.postHeaders(), GOOD_USER_TOKEN);
    HttpResponse<String> init = post(remote, good, RawMcp.initializeBody("2025-11-25"));
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    HttpResponse<String> replay = post(remote, bearer(RawMcp.postHeaders(session), EXPIRED_TOKEN),
        toolCall("get_project", new JsonObject().put("project_id", "acme/good")));
    assertEquals(401, replay.statusCode(), replay.body());
    HttpResponse<String> bare = post(remote, RawMcp.postHeaders(session), toolCall("get_project",
        new JsonObject().put("project_id", "acme/good")));
    assertEquals(401, bare.statusCode(), bare.body());
    gitlab.verify(0, anyRequestedFor(urlPathMatching("/api/v4/projects/.*"))
        .withHeader("Authorization", equalTo("Bearer " + EXPIRED_TOKEN)));
  }

  @Test
  void should_refuse_a_token_header_with_cr_lf_in_it() {
    String init = RawMcp.initializeBody("2025-11-25");
    for (String header : List.of("Authorization: Bearer " + GOOD_USER_TOKEN + "\rX-Evil: 1\r\n",
        "Private-Token: " + GOOD_USER_TOKEN + "\nPrivate-Token: " + EXPIRED_TOKEN + "\r\n")) {
      RawHttp.Answer a = RawHttp.exchange(remote.port(), RawHttp.ascii(rawPost(header, init)), 3000);
      statuses.add(a.status());
      answers.add(a.text());
      assertTrue(a.status() == 400 || a.status() == 401, clip(a.text()));
      assertFalse(a.text().contains("Mcp-Session-Id"), "a session was created: " + clip(a.text()));
    }
  }

  private static Map<String, String> bearer(Map<String, String> h, String token) {
    Map<String, String> m = new LinkedHashMap<>(h);
    m.put("Authorization", "Bearer " + token);
    return m;
  }

  private HttpResponse<String> postLenient(TestGateway gw, Map<String, String> headers, String body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(30));
      headers.forEach(b::header);
      b.POST(HttpRequest.BodyPublishers.ofString(body));
      HttpRequest req = b.build();
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      record(r);
      return r;
    } catch (IllegalArgumentException refusedByClient) {
      return null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- tool arguments ----

  @Test
  void should_never_let_dot_dot_or_encoded_slashes_walk_out_of_the_resource() {
    String s = mcp.initialize();
    List<String> projects = List.of("..", "../admin", "group/../admin", "%2e%2e", "%2E%2E%2Fadmin", "a%2F..%2Fb",
        "a/%2e%2e/b", "..%2F..%2Fadmin", "a%2f%2e%2e%2f%2e%2e%2fusers", "a/b%2F..%2F..%2Fx", "%252e%252e", "a\\..\\b",
        "acme/good/../../../users", "acme/good?admin=true", "acme/good#x", "acme/good/issues");
    for (String p : projects) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s), toolCall("get_project", new JsonObject().put("project_id", p)));
      JsonObject answer = RawMcp.lastMessage(r);
      assertNotNull(answer.getJsonObject("result"), p + " -> " + r.body());
    }
    for (String f : List.of("../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "a/%2e%2e/%2e%2e/b", "..%2F..%2Fetc",
        "docs/../../../../etc/shadow", "./README.md", "a/./b", "..\\..\\win.ini", "README.md%00.png")) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s), toolCall("get_file_contents",
          new JsonObject().put("project_id", "acme/good").put("file_path", f).put("ref", "main")));
      JsonObject answer = RawMcp.lastMessage(r);
      assertNotNull(answer.getJsonObject("result"), f + " -> " + r.body());
    }
    HttpResponse<String> ref = post(RawMcp.postHeaders(s), toolCall("get_file_contents", new JsonObject()
        .put("project_id", "acme/good").put("file_path", "README.md").put("ref", "../../../admin")));
    assertNotNull(RawMcp.lastMessage(ref).getJsonObject("result"), ref.body());
    // Whatever reached GitLab stays inside /api/v4/projects/<one project>/..., as GitLab decodes it.
    for (ServeEvent e : gitlab.getAllServeEvents()) {
      String url = e.getRequest().getUrl();
      String path = url.split("\\?", 2)[0];
      assertTrue(path.startsWith("/api/v4/projects/"), url);
      String[] segments = path.substring("/api/v4/projects/".length()).split("/");
      for (String seg : segments) {
        String decoded = URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8);
        for (String part : decoded.split("[/\\\\]")) {
          assertFalse(part.equals("..") || part.equals("."), "GitLab was asked " + url);
        }
      }
      if (!segments[0].startsWith("acme%2Fgood")) {
        // Another project than the good one: only as one opaque segment.
        assertEquals(1, segments.length, "GitLab was asked " + url);
      }
    }
  }

  @Test
  void should_report_arguments_that_break_the_schema_as_tool_errors_without_calling_gitlab() {
    String s = mcp.initialize();
    List<Object[]> cases = List.of(
        new Object[] {"get_project", new JsonObject().put("project_id", new JsonObject())},
        new Object[] {"get_project", new JsonObject().put("project_id", new JsonArray().add("acme/good"))},
        new Object[] {"get_project", new JsonObject().putNull("project_id")},
        new Object[] {"get_project", new JsonObject().put("project_id", true)},
        new Object[] {"get_project", new JsonObject()},
        new Object[] {"get_issue", new JsonObject().put("project_id", "acme/good").put("issue_iid", "1; DROP TABLE")},
        new Object[] {"get_issue", new JsonObject().put("project_id", "acme/good").put("issue_iid", 1.5)},
        new Object[] {"get_issue", new JsonObject().put("project_id", "acme/good").put("issue_iid", -1)},
        new Object[] {"list_issues", new JsonObject().put("project_id", "acme/good").put("per_page", "abc")},
        new Object[] {"list_issues", new JsonObject().put("project_id", "acme/good").put("per_page", 1_000_000)},
        new Object[] {"list_issues", new JsonObject().put("project_id", "acme/good").put("state", "everything")},
        new Object[] {"create_issue", new JsonObject().put("project_id", "acme/good").put("title", new JsonObject())},
        new Object[] {"create_issue", new JsonObject().put("project_id", "acme/good")});
    for (Object[] c : cases) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s), toolCall((String) c[0], c[1]));
      assertEquals(200, r.statusCode(), c[0] + " " + c[1]);
      JsonObject answer = RawMcp.lastMessage(r);
      assertTrue(RawMcp.isError(answer), c[0] + " " + c[1] + " -> " + r.body());
      assertFalse(RawMcp.text(answer).isBlank());
    }
    for (String params : List.of("{\"name\":\"get_project\",\"arguments\":[]}",
        "{\"name\":\"get_project\",\"arguments\":\"project_id=1\"}", "{\"name\":42,\"arguments\":{}}",
        "{\"name\":null}", "{\"arguments\":{}}", "{\"name\":\"../get_project\",\"arguments\":{}}")) {
      HttpResponse<String> r = post(RawMcp.postHeaders(s),
          "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":" + params + "}");
      assertEquals(200, r.statusCode(), params);
      assertEquals(-32602, rpcCode(r), params);
    }
    assertEquals(List.of(), gitlab.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList());
  }

  @Test
  void should_keep_serving_while_many_attacks_run_at_once() throws Exception {
    String s = mcp.initialize();
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String body = switch (i % 4) {
        case 0 -> "[".repeat(50_000);
        case 1 -> "{bad";
        case 2 -> "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}";
        default -> toolCall("get_project", new JsonObject().put("project_id", ".."));
      };
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.mcpUrl())).timeout(Duration.ofSeconds(30));
      RawMcp.postHeaders(s).forEach(b::header);
      flood.add(HTTP.sendAsync(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    assertGoodClientsServed();
    for (var f : flood) {
      HttpResponse<String> r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
      record(r);
      if (r.statusCode() >= 500) {
        fail("the flood got " + r.statusCode() + ": " + r.body());
      }
    }
  }
}
