package dev.gitlabmcp.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol 2026-07-28 without sessions: change notifications on subscriptions/listen, toolsets chosen per
 * request, and refusals that answer the request's id.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StatelessListenAndToolsetsTest {

  private static final String SUB = "io.modelcontextprotocol/subscriptionId";

  @RegisterExtension
  static final WireMockExtension GITLAB = WireMockExtension.newInstance()
      .options(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")).build();

  private static TestGateway plain;

  @TempDir
  Path dir;

  @BeforeAll
  static void startGateway() {
    plain = TestGateway.start(GITLAB.getRuntimeInfo().getHttpBaseUrl());
  }

  @AfterAll
  static void stopGateway() {
    plain.close();
  }

  private static Map<String, String> headers(String method, String name) {
    Map<String, String> h = RawMcp.modernHeaders(method);
    if (name != null) {
      h.put("Mcp-Name", name);
    }
    return h;
  }

  private static String body(Object id, String method, JsonObject params) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method)
        .put("params", params.put("_meta", RawMcp.modernMeta())).encode();
  }

  private static JsonObject call(String url, Object id, String tool, JsonObject args) {
    HttpResponse<String> r = new RawMcp(url).post(headers("tools/call", tool), body(id, "tools/call",
        new JsonObject().put("name", tool).put("arguments", args)));
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static List<String> toolNames(String url) {
    HttpResponse<String> r = new RawMcp(url).post(headers("tools/list", null), body(1, "tools/list", new JsonObject()));
    assertEquals(200, r.statusCode(), r.body());
    List<String> names = new ArrayList<>();
    new JsonObject(r.body()).getJsonObject("result").getJsonArray("tools")
        .forEach(t -> names.add(((JsonObject) t).getString("name")));
    return names;
  }

  /** An event stream (subscriptions/listen, or a 2025 session's GET) read on its own thread, frame by frame. */
  private static final class Listen implements AutoCloseable {
    final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    final HttpResponse<Stream<String>> response;

    Listen(String url, Object id, JsonObject filter) throws Exception {
      this(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(
          body(id, "subscriptions/listen", new JsonObject().put("notifications", filter)))),
          headers("subscriptions/listen", null));
    }

    Listen(HttpRequest.Builder b, Map<String, String> headers) throws Exception {
      headers.forEach(b::header);
      response = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofLines());
      Thread reader = new Thread(() -> response.body().filter(l -> l.startsWith("data: ") && l.length() > 6)
          .forEach(l -> frames.add(new JsonObject(l.substring(6)))));
      reader.setDaemon(true);
      reader.start();
    }

    JsonObject next() throws InterruptedException {
      JsonObject f = frames.poll(30, TimeUnit.SECONDS);
      assertNotNull(f, "no frame within 30 s");
      return f;
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  private void writeInstances(Path file, String... names) throws Exception {
    JsonArray list = new JsonArray();
    for (String n : names) {
      list.add(new JsonObject().put("name", n).put("url", GITLAB.getRuntimeInfo().getHttpBaseUrl()));
    }
    Path tmp = dir.resolve("next.tmp");
    Files.writeString(tmp, new JsonObject().put("instances", list).encode());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void should_acknowledge_a_listen_then_send_only_the_opted_in_list_changes_tagged_and_end_gracefully() throws Exception {
    Path file = dir.resolve("instances.json");
    writeInstances(file, "corp");
    TestGateway gw = TestGateway.start("http://127.0.0.1:9", Map.of("gitlab.instancesFile", file.toString(),
        "gitlab.instancesReloadSeconds", "1"));
    boolean closed = false;
    try (Listen tools = new Listen(gw.mcpUrl(), "sub-tools", new JsonObject().put("toolsListChanged", true)
        .put("promptsListChanged", true));
         Listen prompts = new Listen(gw.mcpUrl(), 42, new JsonObject().put("promptsListChanged", true));
         Listen session = new Listen(HttpRequest.newBuilder(URI.create(gw.mcpUrl())).GET(),
             Map.of("Accept", "text/event-stream", "Mcp-Session-Id", new RawMcp(gw.mcpUrl()).initialize(),
                 "MCP-Protocol-Version", "2025-11-25"))) {
      assertEquals("text/event-stream", tools.response.headers().firstValue("Content-Type").orElse(""));
      assertEquals("no", tools.response.headers().firstValue("X-Accel-Buffering").orElse(""));
      JsonObject ack = tools.next();
      assertEquals("notifications/subscriptions/acknowledged", ack.getString("method"));
      assertEquals("sub-tools", ack.getJsonObject("params").getJsonObject("_meta").getValue(SUB));
      assertEquals(new JsonObject().put("toolsListChanged", true), ack.getJsonObject("params")
          .getJsonObject("notifications"), "prompts never change here: not honoured");
      JsonObject promptsAck = prompts.next();
      assertEquals(42, promptsAck.getJsonObject("params").getJsonObject("_meta").getValue(SUB));
      assertEquals(new JsonObject(), promptsAck.getJsonObject("params").getJsonObject("notifications"));

      writeInstances(file, "corp", "gitlab-com"); // the operator adds an instance: tool lists may change
      JsonObject changed = tools.next();
      assertEquals("notifications/tools/list_changed", changed.getString("method"));
      assertEquals("sub-tools", changed.getJsonObject("params").getJsonObject("_meta").getValue(SUB));
      assertEquals("notifications/tools/list_changed", session.next().getString("method"),
          "a 2025 session's stream hears of it too");

      gw.close(); // stopping: every subscription ends with its empty result
      closed = true;
      JsonObject end = prompts.next();
      assertEquals(42, end.getValue("id"), "the stream filtered to prompts got no tools notification: " + end);
      assertEquals("complete", end.getJsonObject("result").getString("resultType"));
      assertEquals(42, end.getJsonObject("result").getJsonObject("_meta").getValue(SUB));
    } finally {
      if (!closed) {
        gw.close();
      }
    }
  }

  @Test
  void should_refuse_a_listen_beyond_the_replicas_share_of_max_sessions_with_503_and_its_id() throws Exception {
    try (TestGateway one = TestGateway.start(GITLAB.getRuntimeInfo().getHttpBaseUrl(),
        Map.of("mcp.maxSessions", "1", "server.httpVerticles", "1"));
         Listen held = new Listen(one.mcpUrl(), "first", new JsonObject().put("toolsListChanged", true))) {
      assertEquals("notifications/subscriptions/acknowledged", held.next().getString("method"));
      HttpResponse<String> r = new RawMcp(one.mcpUrl()).post(headers("subscriptions/listen", null),
          body("second", "subscriptions/listen", new JsonObject().put("notifications", new JsonObject())));
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("second", new JsonObject(r.body()).getValue("id"));
      assertTrue(r.headers().firstValue("Retry-After").isPresent());
      assertEquals(200, new RawMcp(one.mcpUrl()).post(headers("tools/list", null),
          body(3, "tools/list", new JsonObject())).statusCode(), "other requests are not held back");
    }
  }

  @Test
  void should_refuse_a_listen_without_a_filter_with_invalid_params_echoing_its_id() {
    TestGateway gw = plain;
    HttpResponse<String> r = new RawMcp(gw.mcpUrl()).post(headers("subscriptions/listen", null),
        body("l-1", "subscriptions/listen", new JsonObject()));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals(-32602, new JsonObject(r.body()).getJsonObject("error").getInteger("code"));
    assertEquals("l-1", new JsonObject(r.body()).getValue("id"));
  }

  @Test
  void should_list_the_defaults_plus_the_urls_toolsets_and_call_any_allowed_tool_without_enabling_it() {
    GITLAB.stubFor(get(urlPathEqualTo("/api/v4/projects/7/wikis")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("[{\"slug\":\"home\",\"title\":\"Home page\"}]")));
    TestGateway gw = plain;
    List<String> defaults = toolNames(gw.mcpUrl());
    assertTrue(defaults.contains("get_project"));
    assertFalse(defaults.contains("list_wiki_pages"), "the default list stays small");
    List<String> withWiki = toolNames(gw.mcpUrl() + "?toolsets=wiki");
    assertTrue(withWiki.contains("list_wiki_pages"));
    assertTrue(withWiki.containsAll(defaults));

    JsonObject called = call(gw.mcpUrl(), 2, "list_wiki_pages", new JsonObject().put("project_id", 7));
    assertFalse(RawMcp.isError(called), called.encode());
    assertTrue(RawMcp.text(called).contains("Home page"));

    HttpResponse<String> typo = new RawMcp(gw.mcpUrl() + "?toolsets=wikis").post(headers("tools/list", null),
        body(3, "tools/list", new JsonObject()));
    assertEquals(400, typo.statusCode());
    assertEquals(3, new JsonObject(typo.body()).getInteger("id"));
    assertTrue(new JsonObject(typo.body()).getJsonObject("error").getString("message").contains("wikis"));
  }

  @Test
  void should_start_a_2025_session_with_the_toolsets_its_url_names() {
    RawMcp withWiki = new RawMcp(plain.mcpUrl() + "?toolsets=wiki");
    JsonObject listed = withWiki.request(withWiki.initialize(), "tools/list", null, 1);
    assertTrue(listed.getJsonObject("result").getJsonArray("tools").stream()
        .anyMatch(t -> ((JsonObject) t).getString("name").equals("list_wiki_pages")), listed.encode());
    RawMcp plainUrl = new RawMcp(plain.mcpUrl());
    assertFalse(plainUrl.request(plainUrl.initialize(), "tools/list", null, 1).encode().contains("list_wiki_pages"));
  }

  @Test
  void should_answer_discover_tools_enable_with_the_tools_definitions_instead_of_a_session_change() {
    TestGateway gw = plain;
    JsonObject r = call(gw.mcpUrl(), 4, "discover_tools", new JsonObject().put("enable", new JsonArray().add("wiki")));
    assertFalse(RawMcp.isError(r), r.encode());
    String text = RawMcp.text(r);
    JsonObject listed = new JsonObject(text.substring(0, text.indexOf('\n')));
    JsonObject wikiPages = listed.getJsonArray("tools").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals("list_wiki_pages")).findFirst().orElseThrow();
    assertTrue(wikiPages.getJsonObject("inputSchema").getJsonObject("properties").containsKey("project_id"));
    assertTrue(text.contains("?toolsets=wiki"), text);
    assertFalse(toolNames(gw.mcpUrl()).contains("list_wiki_pages"), "nothing was enabled for later requests");
  }

  @Test
  void should_echo_the_request_id_in_refusals_for_authentication_rate_and_unknown_instance() {
    try (TestGateway gw = TestGateway.start(GITLAB.getRuntimeInfo().getHttpBaseUrl(),
        Map.of("server.publicUrl", "https://mcp.example.com", "mcp.maxRequestsPerMinute", "1",
            "auth.mcpToken", "mcp-shared-secret-0123456789"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      HttpResponse<String> r = mcp.post(headers("tools/list", null), body("no-token", "tools/list", new JsonObject()));
      assertEquals(401, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertEquals("no-token", new JsonObject(r.body()).getValue("id"));
      assertEquals(-32000, new JsonObject(r.body()).getJsonObject("error").getInteger("code"));

      Map<String, String> bearer = headers("tools/list", null);
      bearer.put("Authorization", "Bearer mcp-shared-secret-0123456789");
      assertEquals(200, mcp.post(bearer, body(1, "tools/list", new JsonObject())).statusCode());
      r = mcp.post(bearer, body("over", "tools/list", new JsonObject()));
      assertEquals(429, r.statusCode(), r.body());
      assertEquals("over", new JsonObject(r.body()).getValue("id"));
      assertTrue(r.headers().firstValue("Retry-After").isPresent());

      r = new RawMcp(gw.mcpUrl() + "/nowhere").post(bearer, body(77, "tools/list", new JsonObject()));
      assertEquals(404, r.statusCode(), r.body());
      assertEquals(77, new JsonObject(r.body()).getInteger("id"));
      assertEquals(404, new RawMcp(gw.mcpUrl() + "/nowhere").post(RawMcp.postHeaders(),
          RawMcp.initializeBody("2025-11-25")).statusCode(), "the 2025 era is refused as before");
    }
  }
}
