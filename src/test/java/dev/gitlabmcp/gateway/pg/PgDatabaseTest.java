package dev.gitlabmcp.gateway.pg;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.ConsentRecord;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.StoreUnavailable;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The database as a whole: migrations, restarts, a schema from the future. Each test has a database of its own. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PgDatabaseTest {

  private static final long NOW = 1_700_000_000_000L;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static Database open(String url) {
    return Database.open(vertx, DatabaseUrl.parse(url), 2);
  }

  private static List<Row> rows(Database db, String sql) {
    List<Row> out = new ArrayList<>();
    await(db.query(sql, Tuple.tuple())).forEach(out::add);
    return out;
  }

  @Test
  void should_migrate_an_empty_database_once_when_three_replicas_start_at_once() {
    String url = TestPostgres.get().freshDatabase();
    List<Database> replicas = IntStream.range(0, 3).mapToObj(i -> open(url)).toList();
    Migrations migrations = Migrations.bundled();
    List<Future<Integer>> runs = replicas.stream().map(db -> migrations.apply(db.pool())).toList();
    List<Integer> foundAt = runs.stream().map(f -> await(f)).sorted().toList();
    int latest = migrations.latest();
    List<Integer> expected = new ArrayList<>(List.of(0));
    expected.addAll(List.of(latest, latest));
    assertEquals(expected, foundAt, "one replica migrated from 0, the other two found the schema current");
    Database db = replicas.get(0);
    assertEquals(IntStream.rangeClosed(1, latest).boxed().toList(),
        rows(db, "SELECT version FROM schema_version ORDER BY version").stream().map(r -> r.getInteger(0)).toList());
    assertEquals(List.of("oauth_clients", "oauth_consents", "oauth_grants", "schema_version"),
        rows(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'audit%' "
            + "ORDER BY tablename").stream().map(r -> r.getString(0)).toList());
    assertEquals(latest, await(db.schemaVersion()));
    replicas.forEach(r -> await(r.close()));
  }

  @Test
  void should_refuse_a_database_at_a_newer_schema_than_it_knows() {
    String url = TestPostgres.get().freshDatabase();
    Database first = open(url);
    await(first.migrate());
    int future = first.knownSchemaVersion() + 1;
    await(first.query("INSERT INTO schema_version (version, name) VALUES ($1, 'from_a_newer_gateway')",
        Tuple.of(future)));
    await(first.close());

    Database older = open(url);
    Migrations.SchemaTooNew e = assertThrows(Migrations.SchemaTooNew.class, () -> await(older.migrate()));
    assertTrue(e.getMessage().startsWith("the database is at schema version " + future + ", newer than this gateway "
        + "knows (" + (future - 1) + ")"), e.getMessage());
    assertEquals(future, await(older.schemaVersion()));
    await(older.close());
  }

  @Test
  void should_read_back_clients_grants_and_consents_after_a_restart() {
    String url = TestPostgres.get().freshDatabase();
    ClientRecord client = new ClientRecord("dcr-1", "Claude Code", List.of("http://127.0.0.1:33418/callback"), "none",
        "", "native", NOW);
    GrantRecord grant = new GrantRecord("g-1", "gitlab:42", "alice", "dcr-1", List.of("api", "read_user"),
        "https://mcp.example.com/mcp", List.of("gitlab", "ops"), "k1", "sealed-opaque-blob", "rhash", List.of("old1"),
        1, NOW, NOW + 30L * 86_400_000L);
    ConsentRecord consent = new ConsentRecord("gitlab:42", "dcr-1", "http://127.0.0.1:33418/callback",
        List.of("api"), List.of("gitlab", "ops"), NOW);

    Database before = open(url);
    await(before.migrate());
    await(new PgClientStore(before).put(client));
    await(new PgGrantStore(before, () -> NOW).create(grant));
    await(new PgConsentStore(before).put(consent));
    await(before.close());

    Database after = open(url);
    await(after.migrate());
    assertEquals(client, await(new PgClientStore(after).get("dcr-1")));
    assertEquals(grant, await(new PgGrantStore(after, () -> NOW + 1).get("g-1")));
    assertEquals(consent, await(new PgConsentStore(after).get("gitlab:42", "dcr-1")));
    assertEquals("5s", rows(after, "SHOW statement_timeout").get(0).getString(0),
        "the server too gives up on a statement after the store-call timeout");
    assertEquals("gitlab-mcp-gateway", rows(after, "SHOW application_name").get(0).getString(0));
    await(after.close());
  }

  @Test
  void should_fail_store_calls_cleanly_when_the_database_cannot_be_reached() {
    Database nowhere = Database.open(vertx, DatabaseUrl.parse("postgres://postgres@127.0.0.1:1/none?sslmode=disable"),
        2);
    Throwable err = assertThrows(StoreUnavailable.class, () -> await(new PgClientStore(nowhere).get("x")));
    assertEquals("the database is unavailable", err.getMessage());
    assertInstanceOf(StoreUnavailable.class, assertThrows(RuntimeException.class,
        () -> await(nowhere.readiness().check().get())));
    await(nowhere.close());
  }
}
