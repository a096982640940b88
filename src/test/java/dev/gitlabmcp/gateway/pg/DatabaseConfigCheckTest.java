package dev.gitlabmcp.gateway.pg;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.Main;
import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.testing.ConsoleCapture;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code config check} with DATABASE_URL: the database is reached and its schema compared with the jar's. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DatabaseConfigCheckTest {

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private int check(String databaseUrl) {
    // A database is a shared store: it needs an encryption key (EncryptionKeys).
    return Main.run(new String[] {"config", "check", "--set", "store.databaseUrl=" + databaseUrl, "--set",
        "store.encryptionKey=" + dev.gitlabmcp.gateway.testing.TestGateway.ENCRYPTION_KEY});
  }

  @Test
  void should_report_a_database_that_cannot_be_reached_without_its_password() {
    int code = check("postgres://gw:hunter2-db-pass@127.0.0.1:1/gateway?sslmode=disable");

    assertEquals(78, code, console.out());
    assertTrue(console.out().contains("DATABASE_URL: the database gw@127.0.0.1:1/gateway sslmode=disable cannot be "
        + "reached"), console.out());
    assertFalse(console.out().contains("hunter2"), console.out());
    assertFalse(console.err().contains("hunter2"), console.err());
  }

  @Test
  void should_report_a_database_at_a_newer_schema_and_accept_a_current_one() {
    String url = TestPostgres.get().freshDatabase();
    Vertx vertx = Vertx.vertx();
    Database db = Database.open(vertx, DatabaseUrl.parse(url), 1);
    await(db.migrate());

    assertEquals(0, check(url), console.out());
    assertTrue(console.out().contains("Configuration is valid."), console.out());

    await(db.query("INSERT INTO schema_version (version, name) VALUES ($1, 'newer')",
        Tuple.of(db.knownSchemaVersion() + 1)));
    assertEquals(78, check(url), console.out());
    assertTrue(console.out().contains("DATABASE_URL: the database is at schema version " + (db.knownSchemaVersion() + 1)
        + ", newer than this gateway knows"), console.out());
    await(vertx.close());
  }
}
