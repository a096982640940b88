package dev.gitlabmcp.gateway.pg;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.state.ClientStore;
import dev.gitlabmcp.gateway.state.ClientStoreContract;
import dev.gitlabmcp.gateway.state.ConsentStore;
import dev.gitlabmcp.gateway.state.GrantStore;
import dev.gitlabmcp.gateway.state.GrantStoreContract;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The PostgreSQL stores pass the contracts every store passes, on a real server and a database of their own. */
class PgStoresTest {

  private static Vertx vertx;
  private static Database db;

  @BeforeAll
  static void open() {
    vertx = Vertx.vertx();
    db = Database.open(vertx, DatabaseUrl.parse(TestPostgres.get().freshDatabase()), 4);
    await(db.migrate());
  }

  @AfterAll
  static void close() {
    await(vertx.close());
  }

  /** Each contract test starts from empty tables, as it would with a new memory store. */
  private static void emptyTables() {
    await(db.query("TRUNCATE oauth_grants, oauth_clients, oauth_consents", Tuple.tuple()));
  }

  @Nested
  class Grants extends GrantStoreContract {
    @Override
    protected GrantStore newStore(LongSupplier clock) {
      emptyTables();
      return new PgGrantStore(db, clock);
    }
  }

  @Nested
  class Clients extends ClientStoreContract {
    @Override
    protected ClientStore newClientStore() {
      emptyTables();
      return new PgClientStore(db);
    }

    @Override
    protected ConsentStore newConsentStore() {
      return new PgConsentStore(db);
    }
  }
}
