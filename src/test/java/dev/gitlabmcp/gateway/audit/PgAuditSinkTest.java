package dev.gitlabmcp.gateway.audit;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.audit.AuditRecord.Outcome;
import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.testing.Poll;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The PostgreSQL audit sink against a real server: batches written, retention purged, a dead database survived. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PgAuditSinkTest {

  private static final long DAY = 86_400_000L;
  private static Vertx vertx;
  private static Database db;

  @BeforeAll
  static void open() {
    vertx = Vertx.vertx();
    db = TestPostgres.get().migratedDatabase(vertx, 4);
  }

  @AfterAll
  static void close() {
    await(vertx.close());
  }

  @BeforeEach
  void empty() {
    await(db.query("DELETE FROM audit_log", Tuple.tuple()));
  }

  static AuditRecord record(long at, String user, String tool, String instance, int i) {
    return new AuditRecord(at, "user:" + (100 + i), user, instance, "client-" + i, tool, "group/app", Outcome.OK, "",
        200, 12 + i, String.valueOf(i), "3fa2c9e1");
  }

  private static List<AuditRecord> rows() {
    List<AuditRecord> out = new ArrayList<>();
    for (Row row : await(db.query("SELECT * FROM audit_log ORDER BY id", Tuple.tuple()))) {
      out.add(AuditSql.record(row));
    }
    return out;
  }

  @Test
  void should_write_every_record_in_batches_with_its_fields() {
    PgAuditSink sink = new PgAuditSink(vertx, db.pool(), 1_000, 50, 20).start(90, System::currentTimeMillis);
    long at = 1_765_000_000_123L;
    for (int i = 0; i < 120; i++) {
      sink.record(record(at + i, "alice", "get_project", "default", i));
    }
    sink.record(new AuditRecord(at, "server-token", "", "corp", "", "create_or_update_file", "", Outcome.REFUSED,
        "policy", 0, 1, "req-9", "-"));

    Poll.until(() -> sink.written() == 121, "121 records written, written so far " + sink.written());
    List<AuditRecord> rows = rows();
    assertEquals(121, rows.size());
    assertEquals(record(at + 7, "alice", "get_project", "default", 7), rows.get(7), "a record reads back as written");
    assertEquals(new AuditRecord(at, "server-token", "", "corp", "", "create_or_update_file", "", Outcome.REFUSED,
        "policy", 0, 1, "req-9", "-"), rows.get(120));
    assertEquals(0, sink.dropped());
    assertEquals(0, sink.failures());
    await(sink.close());
  }

  @Test
  void should_write_what_waits_when_closed() {
    PgAuditSink sink = new PgAuditSink(vertx, db.pool(), 1_000, 500, 3_600_000).start(90, System::currentTimeMillis);
    for (int i = 0; i < 30; i++) {
      sink.record(record(1_765_000_000_000L, "bob", "list_issues", "default", i));
    }

    await(sink.close());

    assertEquals(30, rows().size(), "fewer than a batch, before any timer: written by close");
    sink.record(record(1_765_000_000_000L, "bob", "list_issues", "default", 99));
    assertEquals(1, sink.dropped(), "a closed sink takes nothing more, and counts it");
  }

  @Test
  void should_purge_records_older_than_the_retention() {
    long now = 1_765_000_000_000L;
    PgAuditSink sink = new PgAuditSink(vertx, db.pool(), 1_000, 500, 3_600_000);
    for (int i = 0; i < 5; i++) {
      sink.record(record(now - 100 * DAY - i, "old", "get_project", "default", i));
    }
    for (int i = 0; i < 3; i++) {
      sink.record(record(now - 89 * DAY, "recent", "get_project", "default", i));
    }
    await(sink.close());

    assertEquals(5L, await(sink.purge(now - 90 * DAY)));
    assertTrue(rows().stream().allMatch(r -> r.username().equals("recent")), rows().toString());
    assertEquals(3, rows().size());
  }

  @Test
  void should_drop_and_count_records_while_the_database_is_dead_and_never_throw() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Database dead = Database.open(vertx, DatabaseUrl.parse("host=127.0.0.1 port=" + closedPort
        + " dbname=x user=x sslmode=disable"), 2);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PgAuditSink sink = new PgAuditSink(vertx, dead.pool(), 100, 20, 10).meter(registry)
        .start(90, System::currentTimeMillis);

    for (int i = 0; i < 500; i++) {
      sink.record(record(1_765_000_000_000L, "carol", "get_project", "default", i));
    }

    Poll.until(() -> sink.dropped() == 500, "all 500 records dropped, so far " + sink.dropped());
    assertTrue(sink.failures() >= 1, "failed batches are counted");
    assertEquals(0, sink.queued());
    String scrape = registry.scrape();
    assertTrue(scrape.contains("audit_records_dropped_total 500.0"), scrape);
    assertTrue(scrape.contains("audit_write_failures_total " + sink.failures() + ".0"), scrape);
    await(sink.close());
  }
}
