package dev.gitlabmcp.gateway.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.Poll;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
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
import org.slf4j.LoggerFactory;

/**
 * The default audit sink through a running gateway: every tools/call leaves one log line on the audit logger with
 * who, where, which tool and project, and how it ended; never another argument's value.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuditLogTest {

  private static final String FILE_CONTENT = "SECRET-FILE-CONTENT-7f3a9c";

  private static WireMockServer gitlab;
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void startGitLab() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/group%2Fapp")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":42,\"name\":\"app\",\"path_with_namespace\":\"group/app\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/group%2Fapp/repository/files/missing.txt"))
        .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
            .withBody("{\"message\":\"404 File Not Found\"}")));
  }

  @AfterAll
  static void stopGitLab() {
    gitlab.stop();
  }

  @BeforeEach
  void capture() {
    log.setContext(root.getLoggerContext());
    log.start();
    root.addAppender(log);
  }

  @AfterEach
  void release() {
    root.detachAppender(log);
  }

  @Test
  void should_record_a_successful_call_with_caller_instance_tool_project_and_duration() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl())) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String session = mcp.initialize();
      JsonObject r = mcp.callTool(session, "get_project", new JsonObject().put("project_id", "group/app"));
      assertFalse(RawMcp.isError(r), r.encode());

      Map<String, String> a = onlyAuditLine();
      assertEquals("get_project", a.get("tool"));
      assertEquals("group/app", a.get("project"));
      assertEquals("ok", a.get("outcome"));
      assertEquals("200", a.get("gitlab_status"));
      assertEquals("server-token", a.get("subject"));
      assertEquals("default", a.get("instance"));
      assertEquals("7", a.get("request"));
      assertEquals(session.substring(0, 8), a.get("session"));
      assertTrue(Long.parseLong(a.get("duration_ms")) >= 0);
    }
  }

  @Test
  void should_record_a_gitlab_error_with_its_status() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl())) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String session = mcp.initialize();
      JsonObject r = mcp.callTool(session, "get_file_contents", new JsonObject().put("project_id", "group/app")
          .put("file_path", "missing.txt"));
      assertTrue(RawMcp.isError(r), r.encode());

      Map<String, String> a = onlyAuditLine();
      assertEquals("get_file_contents", a.get("tool"));
      assertEquals("error", a.get("outcome"));
      assertEquals("404", a.get("gitlab_status"));
      assertEquals("-", a.get("reason"));
      assertFalse(lines().stream().anyMatch(l -> l.contains("missing.txt") && l.contains("audit_tool_call")),
          "file_path is an argument value: never in the audit line");
    }
  }

  @Test
  void should_record_a_write_refused_in_readonly_mode_without_any_argument_value() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("tools.permissionMode", "readonly"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String session = mcp.initialize();
      JsonObject r = mcp.callTool(session, "create_or_update_file", new JsonObject().put("project_id", 42)
          .put("file_path", "notes/secret.txt").put("branch", "main").put("content", FILE_CONTENT)
          .put("commit_message", "add the secret"));
      assertTrue(RawMcp.isError(r), r.encode());

      Map<String, String> a = onlyAuditLine();
      assertEquals("create_or_update_file", a.get("tool"));
      assertEquals("42", a.get("project"));
      assertEquals("refused", a.get("outcome"));
      assertEquals("policy", a.get("reason"));
      assertEquals("0", a.get("gitlab_status"));
      for (String line : lines()) {
        assertFalse(line.contains(FILE_CONTENT) || line.contains("notes/secret.txt") || line.contains("add the secret"),
            "an argument value reached a log line: " + line);
      }
      assertEquals(0, gitlab.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
          com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v4/projects/42/repository/files/"
              + "notes%2Fsecret.txt"))).size(), "a refused call never reaches GitLab");
    }
  }

  @Test
  void should_record_a_tool_refused_by_the_denied_regex_and_an_unknown_tool() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("tools.deniedToolsRegex", "^get_project$"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String session = mcp.initialize();
      mcp.callTool(session, "get_project", new JsonObject().put("project_id", "group/app"));
      mcp.request(session, "tools/call", new JsonObject().put("name", "no such tool\n\"x\"")
          .put("arguments", new JsonObject()), 8);

      List<Map<String, String>> all = auditLines(2);
      assertEquals("get_project", all.get(0).get("tool"));
      assertEquals("refused", all.get(0).get("outcome"));
      assertEquals("policy", all.get(0).get("reason"));
      assertEquals("refused", all.get(1).get("outcome"));
      assertEquals("unknown_tool", all.get(1).get("reason"));
      assertEquals("no?such?tool??x?", all.get(1).get("tool"), "caller text is reduced to one safe token");
    }
  }

  @Test
  void should_name_the_gitlab_user_of_a_caller_token() {
    String token = "glpat-alice-audit-0123456789";
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/user")).withHeader("Authorization",
        com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + token)).willReturn(aResponse()
        .withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"id\":4711,\"username\":\"alice\"}")));
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("auth.remoteAuthorization", "true"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      Map<String, String> headers = RawMcp.postHeaders();
      headers.put("Authorization", "Bearer " + token);
      String session = mcp.post(headers, RawMcp.initializeBody("2025-11-25")).headers().firstValue("Mcp-Session-Id")
          .orElseThrow();
      headers.put("Mcp-Session-Id", session);
      mcp.post(headers, new JsonObject().put("jsonrpc", "2.0").put("id", "call-1").put("method", "tools/call")
          .put("params", new JsonObject().put("name", "get_project").put("arguments",
              new JsonObject().put("project_id", "group/app"))).encode());

      Map<String, String> a = onlyAuditLine();
      assertEquals("user:4711", a.get("subject"));
      assertEquals("alice", a.get("user"));
      assertEquals("ok", a.get("outcome"));
      assertEquals("call-1", a.get("request"));
      assertFalse(lines().stream().anyMatch(l -> l.contains(token)), "the token never reaches a log line");
    }
  }

  @Test
  void should_record_compact_mode_call_tool_as_the_tool_it_runs() {
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("tools.listMode", "compact"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String session = mcp.initialize();
      mcp.callTool(session, "find_tools", new JsonObject().put("query", "project"));
      mcp.callTool(session, "call_tool", new JsonObject().put("name", "get_project")
          .put("arguments", new JsonObject().put("project_id", "group/app")));

      List<Map<String, String>> all = auditLines(2);
      assertEquals(List.of("find_tools", "get_project"), all.stream().map(a -> a.get("tool")).toList());
      assertEquals(List.of("ok", "ok"), all.stream().map(a -> a.get("outcome")).toList());
      assertEquals("group/app", all.get(1).get("project"));
      assertEquals("200", all.get(1).get("gitlab_status"));
    }
  }

  private List<String> lines() {
    List<String> out = new ArrayList<>();
    synchronized (log) {
      for (ILoggingEvent e : new ArrayList<>(log.list)) {
        out.add(e.getLoggerName() + " " + e.getFormattedMessage());
      }
    }
    return out;
  }

  private Map<String, String> onlyAuditLine() {
    return auditLines(1).get(0);
  }

  /** The audit lines once {@code n} have been logged. */
  private List<Map<String, String>> auditLines(int n) {
    Poll.until(() -> auditLines().size() >= n, n + " audit lines in " + lines());
    List<Map<String, String>> found = auditLines();
    assertEquals(n, found.size(), "audit lines: " + lines());
    return found;
  }

  private List<Map<String, String>> auditLines() {
    List<Map<String, String>> found = new ArrayList<>();
    for (String line : lines()) {
      if (line.startsWith(LogAuditSink.LOGGER + " audit_tool_call ")) {
        found.add(fields(line.substring(line.indexOf(' ') + 1)));
      }
    }
    return found;
  }

  private static Map<String, String> fields(String message) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String part : message.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        f.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return f;
  }
}
