package dev.gitlabmcp.gateway.pg;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.StoreUnavailable;
import dev.gitlabmcp.gateway.testing.Poll;
import dev.gitlabmcp.gateway.testing.TcpProxy;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The database going away while the gateway runs, played by a relay in front of the real server: store calls
 * fail with {@link StoreUnavailable} (never hang), readiness says so, and both recover when it returns.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PgOutageTest {

  private static final ClientRecord CLIENT = new ClientRecord("dcr-outage", "Cursor",
      List.of("cursor://anysphere.cursor-mcp/oauth/callback"), "none", "", "native", 1_700_000_000_000L);

  private static Vertx vertx;
  private static TcpProxy proxy;
  private static Database db;
  private static PgClientStore clients;

  @BeforeAll
  static void open() {
    vertx = Vertx.vertx();
    TestPostgres pg = TestPostgres.get();
    String direct = pg.freshDatabase();
    proxy = TcpProxy.to(pg.host(), pg.port());
    DatabaseUrl viaProxy = DatabaseUrl.parse(direct.replace("port=" + pg.port(), "port=" + proxy.port()));
    db = Database.open(vertx, viaProxy, 2);
    await(db.migrate());
    clients = new PgClientStore(db);
    await(clients.put(CLIENT));
  }

  @AfterAll
  static void close() {
    await(vertx.close());
    proxy.close();
  }

  private static boolean answers() {
    try {
      return CLIENT.equals(await(clients.get(CLIENT.clientId())));
    } catch (StoreUnavailable e) {
      return false;
    }
  }

  @Test
  void should_fail_fast_while_the_database_is_down_and_recover_when_it_returns() {
    proxy.cut();
    long t0 = System.nanoTime();
    StoreUnavailable e = assertThrows(StoreUnavailable.class, () -> await(clients.get(CLIENT.clientId())));
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(Database.QUERY_TIMEOUT_MS + 1_000),
        "a refused connection fails the call within the query timeout");
    assertEquals("the database is unavailable", e.getMessage());
    assertThrows(StoreUnavailable.class, () -> await(db.readiness().check().get()));

    proxy.restore();
    Poll.until(PgOutageTest::answers, "the store answering again once the database is back");
    await(db.readiness().check().get());
  }

  @Test
  void should_give_up_on_a_database_that_never_answers_within_the_query_timeout() {
    proxy.blackhole();
    try {
      long t0 = System.nanoTime();
      List<Future<ClientRecord>> calls = List.of(clients.get(CLIENT.clientId()), clients.get(CLIENT.clientId()),
          clients.get(CLIENT.clientId()));
      for (Future<ClientRecord> call : calls) {
        assertThrows(StoreUnavailable.class, () -> await(call));
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // The query timeout, plus slack for a busy shared machine; without the timeout the calls would never end.
      assertTrue(ms < Database.QUERY_TIMEOUT_MS + 5_000, "silent database: calls failed after " + ms + " ms");
    } finally {
      proxy.restore();
    }
    Poll.until(PgOutageTest::answers, "the store answering again once the network carries packets");
  }
}
