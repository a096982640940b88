package dev.gitlabmcp.gateway.tools;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gitlabmcp.gateway.gitlab.InstanceIntrospector;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The contract of every catalog tool with GitLab: for the example arguments in
 * src/test/resources/contract/&lt;toolset&gt;.yaml, the request GitLab receives (method, encoded path,
 * query, JSON body). Checked twice: by building the request directly, and by calling the tool
 * through a running gateway whose GitLab is WireMock.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CatalogContractTest {

  /** One example: arguments and the request they must produce. */
  record Case(String file, String tool, JsonObject args, String method, String path, List<String> query,
              JsonObject body, String reply) {

    String label() {
      return tool + " " + args.encode();
    }
  }

  /** What the tier detector asks before a paid tool runs: the plan (GraphQL) and a numeric id's path. */
  private static final java.util.regex.Pattern TIER_LOOKUP =
      java.util.regex.Pattern.compile("/api/graphql|/api/v4/(projects|namespaces)/\\d+");

  private static Vertx vertx;
  private static ToolCatalog catalog;
  private static List<Case> cases;
  private static WireMockServer gitlab;
  private static TestGateway gateway;
  private static RawMcp mcp;
  private static String session;

  @BeforeAll
  static void load() throws IOException {
    vertx = Vertx.vertx();
    catalog = ToolCatalog.load(vertx);
    cases = new ArrayList<>();
    for (String toolset : catalog.toolsets().keySet()) {
      cases.addAll(read("contract/" + toolset + ".yaml"));
    }
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    gateway = TestGateway.start(gitlab.baseUrl(), Map.of("tools.toolsets", "all",
        "mcp.maxRequestsPerMinute", "1000000"));
    mcp = new RawMcp(gateway.mcpUrl());
    session = mcp.initialize();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (gitlab != null) {
      gitlab.stop();
    }
    vertx.close();
  }

  @Test
  void should_have_a_contract_case_for_every_tool_and_none_for_unknown_tools() {
    Set<String> covered = new TreeSet<>();
    for (Case c : cases) {
      assertNotNull(catalog.get(c.tool()), c.file() + ": case for unknown tool " + c.tool());
      covered.add(c.tool());
    }
    List<String> missing = catalog.all().stream().map(ToolDefinition::name).filter(n -> !covered.contains(n)).toList();
    assertTrue(missing.isEmpty(), "tools without a contract case: " + missing);
  }

  @TestFactory
  Stream<DynamicTest> should_build_the_gitlab_request_each_example_describes() {
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
      ToolDefinition tool = catalog.get(c.tool());
      assertNotNull(tool, c.tool());
      JsonObject args = c.args().copy();
      args.remove(ToolExecutor.FULL_RESPONSE);
      ToolExecutor.coerce(tool, args);
      var check = tool.validator().validate(args);
      assertTrue(Boolean.TRUE.equals(check.getValid()), c.file() + ": example arguments of " + c.tool()
          + " do not match its schema: " + check.getErrors());
      RequestBuilder.Built built = RequestBuilder.build(tool, args);
      assertNull(built.problem(), c.label());
      assertEquals(c.method(), tool.method().name(), c.file() + ": method of " + c.tool());
      String pq = built.pathAndQuery();
      int q = pq.indexOf('?');
      assertEquals(c.path(), q < 0 ? pq : pq.substring(0, q), c.file() + ": path of " + c.tool());
      assertEquals(c.query(), queryPairs(q < 0 ? "" : pq.substring(q + 1)), c.file() + ": query of " + c.tool());
      JsonObject body = built.body() == null ? null : new JsonObject(built.body());
      assertEquals(c.body(), body, c.file() + ": body of " + c.tool());
    }));
  }

  @TestFactory
  Stream<DynamicTest> should_send_exactly_that_request_through_the_gateway_and_answer_without_error() {
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
      ToolDefinition tool = catalog.get(c.tool());
      gitlab.resetAll();
      gitlab.stubFor(any(anyUrl()).willReturn(reply(tool, c)));
      boolean paid = !"free".equals(tool.tier());
      if (paid) { // the tier detector asks the namespace's plan first (docs/tier-detection.md): Ultimate, so it runs
        gitlab.stubFor(any(urlPathEqualTo("/api/graphql")).atPriority(1).willReturn(aResponse()
            .withHeader("Content-Type", "application/json")
            .withBody("{\"data\":{\"namespace\":{\"fullPath\":\"acme\",\"plan\":{\"name\":\"ultimate\"}}}}")));
      }
      JsonObject r = mcp.callTool(session, c.tool(), c.args());
      assertNotNull(r.getJsonObject("result"), r.encode());
      assertFalse(RawMcp.isError(r), c.label() + " -> " + RawMcp.text(r));
      List<LoggedRequest> seen = gitlab.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()))
          .stream().filter(req -> !paid || !TIER_LOOKUP.matcher(req.getUrl()).matches()).toList();
      assertEquals(1, seen.size(), "GitLab requests for " + c.label());
      LoggedRequest req = seen.get(0);
      assertEquals(c.method(), req.getMethod().getName());
      String url = req.getUrl();
      int q = url.indexOf('?');
      String expected = c.path().equals(InstanceIntrospector.GRAPHQL_PATH) ? "/api/graphql" : "/api/v4" + c.path();
      assertEquals(expected, q < 0 ? url : url.substring(0, q));
      assertEquals(c.query(), queryPairs(q < 0 ? "" : url.substring(q + 1)));
      if (c.body() == null) {
        assertEquals(0, req.getBody().length, "no body expected for " + c.label());
      } else {
        assertEquals(c.body(), new JsonObject(req.getBodyAsString()));
        assertTrue(req.getHeader("Content-Type").startsWith("application/json"));
      }
      assertEquals(TestGateway.GITLAB_TOKEN, req.getHeader("PRIVATE-TOKEN"));
      JsonObject result = r.getJsonObject("result");
      if (tool.response().structured()) {
        assertNotNull(result.getJsonObject("structuredContent"), "structuredContent of " + c.tool());
      } else {
        assertNull(result.getValue("structuredContent"), c.tool());
      }
    }));
  }

  private static ResponseDefinitionBuilder reply(ToolDefinition tool, Case c) {
    ResponseDefinitionBuilder b = aResponse();
    switch (tool.response().kind()) {
      case EMPTY -> {
        return b.withStatus(c.reply() == null ? 204 : 200).withBody(c.reply() == null ? "" : c.reply());
      }
      case TEXT -> {
        return b.withStatus(200).withHeader("Content-Type", "text/plain")
            .withBody(c.reply() == null ? "line one\nline two\n" : c.reply());
      }
      case FILE -> {
        String body = c.reply() != null ? c.reply() : new JsonObject().put("file_path", "a.txt").put("encoding", "base64")
            .put("content", Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8))).encode();
        return b.withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
      }
      case LIST -> {
        return b.withStatus(200).withHeader("Content-Type", "application/json").withHeader("X-Page", "1")
            .withHeader("X-Per-Page", "20").withHeader("X-Next-Page", "")
            .withBody(c.reply() == null ? "[]" : c.reply());
      }
      default -> {
        return b.withStatus(c.method().equals("POST") ? 201 : 200).withHeader("Content-Type", "application/json")
            .withBody(c.reply() == null ? "{}" : c.reply());
      }
    }
  }

  /** a=1&amp;b[]=x&amp;b[]=y as a sorted list of raw pairs, so parameter order does not matter. */
  static List<String> queryPairs(String query) {
    if (query.isEmpty()) {
      return List.of();
    }
    List<String> pairs = new ArrayList<>(Arrays.asList(query.split("&")));
    pairs.sort(null);
    return pairs;
  }

  private static List<Case> read(String resource) throws IOException {
    try (InputStream in = CatalogContractTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return List.of();
      }
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      if (doc == null) {
        return List.of();
      }
      if (!(doc instanceof List<?> list)) {
        throw new IllegalStateException(resource + " must be a YAML list of cases");
      }
      List<Case> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> m)) {
          throw new IllegalStateException(resource + ": every case must be a mapping");
        }
        Set<String> known = Set.of("tool", "args", "request", "body", "variables", "reply");
        for (Object k : m.keySet()) {
          if (!known.contains(String.valueOf(k))) {
            fail(resource + ": unknown key '" + k + "' in case " + m);
          }
        }
        String request = String.valueOf(m.get("request"));
        int sp = request.indexOf(' ');
        if (m.get("tool") == null || sp < 0) {
          fail(resource + ": a case needs tool and request ('GET /path?query'): " + m);
        }
        String target = request.substring(sp + 1).trim();
        int q = target.indexOf('?');
        JsonObject args = m.get("args") == null ? new JsonObject() : new JsonObject(Json.encode(plain(m.get("args"))));
        JsonObject body = m.get("body") == null ? null : new JsonObject(Json.encode(plain(m.get("body"))));
        Object reply = m.get("reply");
        ToolDefinition tool = catalog.get(String.valueOf(m.get("tool")));
        if (m.get("variables") != null) {
          // A GraphQL tool: GitLab receives the tool's own document and these variables.
          if (tool == null || tool.graphql() == null || tool.graphql().raw() || reply == null) {
            fail(resource + ": 'variables' is for GraphQL tools with a fixed document, with a reply holding data: " + m);
          }
          body = new JsonObject().put("query", tool.graphql().document())
              .put("variables", new JsonObject(Json.encode(plain(m.get("variables")))));
        }
        out.add(new Case(resource, String.valueOf(m.get("tool")), args, request.substring(0, sp).trim(),
            q < 0 ? target : target.substring(0, q), queryPairs(q < 0 ? "" : target.substring(q + 1)), body,
            reply == null ? null : reply instanceof String s ? s : Json.encode(plain(reply))));
      }
      return out;
    }
  }

  /** YAML reads 2024-05-01 as a date: examples mean the text. */
  private static Object plain(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(CatalogContractTest::plain).toList();
    }
    if (v instanceof Date d) {
      Instant i = d.toInstant();
      return i.atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay() == 0 ? i.atZone(ZoneOffset.UTC).toLocalDate().toString()
          : i.toString();
    }
    return v;
  }
}
