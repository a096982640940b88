package dev.gitlabmcp.gateway.pg;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What {@code config check} finds wrong with the database: it cannot be reached (address, TLS, credentials),
 * or it is at a newer schema than this gateway knows. Blocking: for the command line only.
 */
public final class DatabaseCheck {

  private DatabaseCheck() {
  }

  public static List<String> problems(GatewayConfig cfg) {
    DatabaseUrl url = cfg.database();
    if (url == null) {
      return List.of();
    }
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.open(vertx, url, 1);
      int found = db.schemaVersion().toCompletionStage().toCompletableFuture()
          .get(Database.QUERY_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
      if (found > db.knownSchemaVersion()) {
        return List.of("DATABASE_URL: " + new Migrations.SchemaTooNew(found, db.knownSchemaVersion()).getMessage()
            + " (" + url.describe() + ").");
      }
      return List.of();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
      return List.of("DATABASE_URL: the database " + url.describe() + " cannot be reached: " + cause.getMessage()
          + ". Check the host, port, sslmode and credentials, and that the server accepts this machine.");
    } catch (java.util.concurrent.TimeoutException e) {
      return List.of("DATABASE_URL: the database " + url.describe() + " did not answer within "
          + Database.QUERY_TIMEOUT_MS * 2 / 1000 + " s.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of("DATABASE_URL: interrupted while checking the database.");
    } finally {
      vertx.close();
    }
  }
}
