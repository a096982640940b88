package dev.gitlabmcp.gateway.cli;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.Main;
import dev.gitlabmcp.gateway.audit.AuditRecord;
import dev.gitlabmcp.gateway.audit.AuditRecord.Outcome;
import dev.gitlabmcp.gateway.audit.PgAuditSink;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.testing.ConsoleCapture;
import dev.gitlabmcp.gateway.testing.TestGateway;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code audit} against a real PostgreSQL holding records of several users, tools, instances and ages. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuditCommandTest {

  private static final long HOUR = 3_600_000L;
  private static String url;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @BeforeAll
  static void fill() {
    Vertx vertx = Vertx.vertx();
    Database db = TestPostgres.get().migratedDatabase(vertx, 2);
    url = TestPostgres.get().url(db.target().database());
    PgAuditSink sink = new PgAuditSink(vertx, db.pool());
    long now = System.currentTimeMillis();
    sink.record(rec(now - HOUR, "alice", "get_project", "default", Outcome.OK, "", 200));
    sink.record(rec(now - 2 * HOUR, "alice", "create_or_update_file", "corp", Outcome.REFUSED, "policy", 0));
    sink.record(rec(now - 3 * HOUR, "bob", "get_project", "corp", Outcome.ERROR, "", 404));
    sink.record(rec(now - 3 * 24 * HOUR, "alice", "get_project", "default", Outcome.OK, "", 200));
    await(sink.close());
    await(vertx.close());
  }

  private static AuditRecord rec(long at, String user, String tool, String instance, Outcome o, String reason,
                                 int status) {
    return new AuditRecord(at, "user:" + user.length(), user, instance, "", tool, "group/app", o, reason, status, 15,
        "7", "3fa2c9e1");
  }

  private int audit(String... args) {
    List<String> all = new ArrayList<>(List.of("audit", "--set", "store.databaseUrl=" + url, "--set",
        "store.encryptionKey=" + TestGateway.ENCRYPTION_KEY, "--set", "store.redisUrl="));
    all.addAll(List.of(args));
    return Main.run(all.toArray(String[]::new));
  }

  private List<JsonObject> json() {
    return console.out().lines().map(JsonObject::new).toList();
  }

  @Test
  void should_list_the_last_day_newest_first_as_json_lines() {
    assertEquals(0, audit("--format", "json"), console.err());

    List<JsonObject> records = json();
    assertEquals(3, records.size(), console.out());
    assertEquals("get_project", records.get(0).getString("tool"));
    assertEquals("alice", records.get(0).getString("username"));
    assertEquals("refused", records.get(1).getString("outcome"));
    assertEquals("policy", records.get(1).getString("reason"));
    assertEquals(404, records.get(2).getInteger("gitlab_status"));
    assertNotNull(Instant.parse(records.get(0).getString("time")));
  }

  @Test
  void should_filter_by_user_tool_instance_time_and_limit() {
    assertEquals(0, audit("--format", "json", "--user", "alice"));
    assertEquals(2, json().size());

    console.resetOut();
    assertEquals(0, audit("--format", "json", "--user", "alice", "--since", "7d"));
    assertEquals(3, json().size(), "the three-day-old record too");

    console.resetOut();
    assertEquals(0, audit("--format", "json", "--tool", "get_project", "--instance", "corp"));
    assertEquals(List.of("bob"), json().stream().map(j -> j.getString("username")).toList());

    console.resetOut();
    assertEquals(0, audit("--format", "json", "--since", "7d", "--limit", "1"));
    assertEquals(1, json().size());

    console.resetOut();
    assertEquals(0, audit("--format", "json", "--user", "user:3", "--since", "7d"));
    assertEquals(List.of("bob"), json().stream().map(j -> j.getString("username")).toList(), "by subject too");
  }

  @Test
  void should_print_a_table_by_default() {
    assertEquals(0, audit("--instance", "corp"));

    String out = console.out();
    assertTrue(out.lines().findFirst().orElse("").startsWith("time (UTC)"), out);
    assertTrue(out.lines().anyMatch(l -> l.contains("bob") && l.contains("get_project") && l.contains("gitlab 404")),
        out);
    assertTrue(out.contains("2 record(s)."), out);
  }

  @Test
  void should_refuse_a_since_it_cannot_read() {
    assertEquals(AuditCommand.USAGE, audit("--since", "yesterday"));
    assertTrue(console.err().contains("--since 'yesterday'"), console.err());
  }

  @Test
  void should_say_where_the_audit_log_is_without_a_database() {
    int code = Main.run(new String[] {"audit", "--set", "store.databaseUrl=", "--set", "store.redisUrl="});

    assertEquals(AuditCommand.FAILED, code);
    assertTrue(console.err().contains("DATABASE_URL is not set"), console.err());
    assertTrue(console.err().contains("audit_tool_call"), console.err());
  }
}
