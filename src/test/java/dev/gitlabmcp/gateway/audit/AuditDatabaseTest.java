package dev.gitlabmcp.gateway.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.testing.Poll;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TcpProxy;
import dev.gitlabmcp.gateway.testing.TestGateway;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * A gateway with DATABASE_URL keeps its audit log in PostgreSQL: tool calls that succeed, fail at GitLab and are
 * refused become rows (no argument value among them); with the database gone, calls still answer and the lost
 * records are counted in /metrics.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuditDatabaseTest {

  private static final String FILE_CONTENT = "SECRET-FILE-CONTENT-b81d4e";
  private static WireMockServer gitlab;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":42,\"name\":\"app\"}")));
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/404")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"404 Project Not Found\"}")));
  }

  @AfterAll
  static void stop() {
    gitlab.stop();
    await(vertx.close());
  }

  private static List<Row> rows(Database db) {
    List<Row> out = new ArrayList<>();
    await(db.query("SELECT * FROM audit_log ORDER BY id", Tuple.tuple())).forEach(out::add);
    return out;
  }

  @Test
  void should_write_ok_error_and_refused_calls_as_rows_without_argument_values() {
    String url = TestPostgres.get().freshDatabase();
    Database db = Database.open(vertx, DatabaseUrl.parse(url), 1);
    try (TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("store.databaseUrl", url,
        "tools.deniedToolsRegex", "^create_or_update_file$"))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String session = mcp.initialize();
      mcp.callTool(session, "get_project", new JsonObject().put("project_id", 42));
      mcp.callTool(session, "get_project", new JsonObject().put("project_id", "404"));
      mcp.callTool(session, "create_or_update_file", new JsonObject().put("project_id", 42)
          .put("file_path", "a.txt").put("branch", "main").put("content", FILE_CONTENT).put("commit_message", "m"));

      Poll.until(() -> rows(db).size() == 3, "three audit rows");
      List<Row> rows = rows(db);
      assertEquals(List.of("ok", "error", "refused"), rows.stream().map(r -> r.getString("outcome")).toList());
      assertEquals(List.of(200, 404, 0), rows.stream().map(r -> r.getInteger("gitlab_status")).toList());
      assertEquals(List.of("42", "404", "42"), rows.stream().map(r -> r.getString("project")).toList());
      assertEquals("policy", rows.get(2).getString("reason"));
      assertEquals("create_or_update_file", rows.get(2).getString("tool"));
      for (Row r : rows) {
        assertEquals("server-token", r.getString("subject"));
        assertEquals("default", r.getString("instance"));
        assertEquals(session.substring(0, 8), r.getString("session"));
        assertEquals("7", r.getString("request_id"));
        for (int i = 0; i < r.size(); i++) {
          assertFalse(String.valueOf(r.getValue(i)).contains(FILE_CONTENT), "an argument value was stored");
        }
      }
    }
  }

  @Test
  void should_answer_tool_calls_while_the_database_is_away_and_count_the_lost_records() throws Exception {
    TestPostgres pg = TestPostgres.get();
    String direct = pg.freshDatabase();
    try (TcpProxy proxy = TcpProxy.to(pg.host(), pg.port());
         TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("store.databaseUrl",
             direct.replace("port=" + pg.port(), "port=" + proxy.port())))) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String session = mcp.initialize();
      proxy.cut();

      for (int i = 0; i < 10; i++) {
        long t0 = System.nanoTime();
        JsonObject r = mcp.callTool(session, "get_project", new JsonObject().put("project_id", 42));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(RawMcp.isError(r), r.encode());
        // A call that waited for the database would take at least the write timeout.
        assertTrue(ms < PgAuditSink.WRITE_TIMEOUT_MS, "call " + i + " took " + ms + " ms");
      }
      Poll.until(() -> dropped(gw) >= 10, "10 lost audit records counted in /metrics");
    }
  }

  private static double dropped(TestGateway gw) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = Pattern.compile("(?m)^audit_records_dropped_total(?:\\{[^}]*\\})? ([0-9.E]+)$").matcher(r.body());
      return m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
