package dev.gitlabmcp.gateway.pg;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.state.StoreUnavailable;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The sslmode of DATABASE_URL against a server of its own that speaks TLS with a certificate for
 * "localhost" signed by nobody the JVM knows: what encrypts, and what verification refuses.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PgTlsTest {

  private static Vertx vertx;
  private static TestPostgres server;
  private static Path certificate;
  private static String database;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("test-pg-tls");
    certificate = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost", "-keyout", key.toString(), "-out", certificate.toString());
    run("chmod", "755", dir.toString());
    run("chmod", "600", key.toString());
    if ("root".equals(System.getProperty("user.name"))) {
      run("chown", "nobody", key.toString()); // the server runs as nobody and must own its key
    }
    server = TestPostgres.startOwnTls(certificate, key);
    database = server.freshDatabase().replaceAll(".*dbname=(\\S+).*", "$1");
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }

  /** Whether a connection made with this DATABASE_URL is encrypted, as the server sees it. */
  private static boolean encrypted(String url) {
    Database db = Database.open(vertx, DatabaseUrl.parse(url), 1);
    try {
      return await(db.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Tuple.tuple()))
          .iterator().next().getBoolean(0);
    } finally {
      await(db.close());
    }
  }

  private static String url(String host, String params) {
    return "postgres://postgres@" + host + ":" + server.port() + "/" + database + "?" + params;
  }

  @Test
  void should_encrypt_with_require_prefer_and_a_verified_certificate_and_not_with_disable() {
    assertEquals(true, encrypted(url("127.0.0.1", "sslmode=require")));
    assertEquals(true, encrypted(url("127.0.0.1", "sslmode=prefer")));
    assertEquals(true, encrypted(url("localhost", "sslmode=verify-full&sslrootcert=" + certificate)));
    assertEquals(true, encrypted(url("127.0.0.1", "sslmode=verify-ca&sslrootcert=" + certificate)));
    assertEquals(false, encrypted(url("127.0.0.1", "sslmode=disable")));
  }

  @Test
  void should_refuse_a_certificate_it_cannot_verify() {
    for (String refused : List.of(
        url("localhost", "sslmode=verify-full"), // not signed by a CA the JVM trusts
        url("127.0.0.1", "sslmode=verify-full&sslrootcert=" + certificate), // names localhost, not 127.0.0.1
        url("localhost", "sslmode=verify-ca"))) {
      assertThrows(StoreUnavailable.class, () -> encrypted(refused), refused);
    }
  }
}
