package dev.gitlabmcp.gateway.pg;

import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.ClientStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** {@link ClientStore} in the {@code oauth_clients} table. */
public final class PgClientStore implements ClientStore {

  private static final String PUT = "INSERT INTO oauth_clients (client_id, client_name, redirect_uris, "
      + "token_endpoint_auth_method, secret_hash, application_type, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
      + "ON CONFLICT (client_id) DO UPDATE SET client_name = $2, redirect_uris = $3, token_endpoint_auth_method = $4, "
      + "secret_hash = $5, application_type = $6, created_at = $7";
  private static final String GET = "SELECT client_id, client_name, redirect_uris, token_endpoint_auth_method, "
      + "secret_hash, application_type, created_at FROM oauth_clients WHERE client_id = $1";
  private static final String REMOVE = "DELETE FROM oauth_clients WHERE client_id = $1";
  private static final String COUNT = "SELECT count(*) FROM oauth_clients";

  private final Database db;

  public PgClientStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> put(ClientRecord c) {
    return db.query(PUT, Tuple.of(c.clientId(), c.clientName(), Columns.array(c.redirectUris()),
        c.tokenEndpointAuthMethod(), c.secretHash(), c.applicationType(), Columns.time(c.createdAt()))).mapEmpty();
  }

  @Override
  public Future<ClientRecord> get(String clientId) {
    if (clientId == null) {
      return Future.succeededFuture();
    }
    return db.query(GET, Tuple.of(clientId)).map(rows -> Columns.first(rows, PgClientStore::client));
  }

  private static ClientRecord client(Row r) {
    return new ClientRecord(r.getString(0), r.getString(1), List.of(r.getArrayOfStrings(2)), r.getString(3),
        r.getString(4), r.getString(5), Columns.millis(r, 6));
  }

  @Override
  public Future<Boolean> remove(String clientId) {
    if (clientId == null) {
      return Future.succeededFuture(false);
    }
    return db.query(REMOVE, Tuple.of(clientId)).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Long> count() {
    return db.query(COUNT, Tuple.tuple()).map(rows -> rows.iterator().next().getLong(0));
  }
}
