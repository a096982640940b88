package dev.gitlabmcp.gateway.pg;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.testing.Poll;
import dev.gitlabmcp.gateway.testing.TcpProxy;
import dev.gitlabmcp.gateway.testing.TestGateway;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** A gateway started with DATABASE_URL: migrates at start, reports the database in /health/ready, outlives it. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PgGatewayTest {

  private static final String NO_GITLAB = "http://127.0.0.1:1";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private record Reply(int status, JsonObject body) {
  }

  private Reply get(TestGateway gw, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), new JsonObject(r.body()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void should_report_the_database_in_readiness_and_keep_running_while_it_is_away() {
    TestPostgres pg = TestPostgres.get();
    String direct = pg.freshDatabase();
    try (TcpProxy proxy = TcpProxy.to(pg.host(), pg.port());
         TestGateway gw = TestGateway.start(NO_GITLAB, Map.of("store.databaseUrl",
             direct.replace("port=" + pg.port(), "port=" + proxy.port())))) {
      Reply ready = get(gw, "/health/ready");
      assertEquals(200, ready.status(), ready.body().encode());
      assertEquals("ok", ready.body().getJsonObject("checks").getString("database"));

      proxy.cut();
      Reply away = get(gw, "/health/ready");
      assertEquals(503, away.status(), away.body().encode());
      assertNotEquals("ok", away.body().getJsonObject("checks").getString("database"));
      assertEquals(200, get(gw, "/health/live").status(), "the process keeps running");

      proxy.restore();
      Poll.until(() -> get(gw, "/health/ready").status() == 200, "ready again once the database is back");
    }
  }

  @Test
  void should_refuse_to_start_on_a_database_at_a_newer_schema() {
    String url = TestPostgres.get().freshDatabase();
    TestGateway.start(NO_GITLAB, Map.of("store.databaseUrl", url)).close(); // migrates
    Vertx vertx = Vertx.vertx();
    Database db = Database.open(vertx, DatabaseUrl.parse(url), 1);
    await(db.query("INSERT INTO schema_version (version, name) VALUES ($1, 'newer')",
        Tuple.of(db.knownSchemaVersion() + 1)));
    await(vertx.close());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TestGateway.start(NO_GITLAB, Map.of("store.databaseUrl", url)));
    Throwable cause = e.getCause().getCause();
    assertTrue(cause instanceof Migrations.SchemaTooNew, String.valueOf(e.getCause()));
    assertTrue(cause.getMessage().contains("newer than this gateway knows"), cause.getMessage());
  }
}
