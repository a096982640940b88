package dev.gitlabmcp.gateway.pg;

import dev.gitlabmcp.gateway.state.ConsentRecord;
import dev.gitlabmcp.gateway.state.ConsentStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** {@link ConsentStore} in the {@code oauth_consents} table, one row per (subject, client). */
public final class PgConsentStore implements ConsentStore {

  private static final String PUT = "INSERT INTO oauth_consents (subject, client_id, redirect_uri, scopes, instances, "
      + "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subject, client_id) DO UPDATE SET "
      + "redirect_uri = $3, scopes = $4, instances = $5, created_at = $6";
  private static final String GET = "SELECT subject, client_id, redirect_uri, scopes, instances, created_at "
      + "FROM oauth_consents WHERE subject = $1 AND client_id = $2";
  private static final String REMOVE = "DELETE FROM oauth_consents WHERE subject = $1 AND client_id = $2";

  private final Database db;

  public PgConsentStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> put(ConsentRecord c) {
    return db.query(PUT, Tuple.of(c.subject(), c.clientId(), c.redirectUri(), Columns.array(c.scopes()),
        Columns.array(c.instances()), Columns.time(c.createdAt()))).mapEmpty();
  }

  @Override
  public Future<ConsentRecord> get(String subject, String clientId) {
    if (subject == null || clientId == null) {
      return Future.succeededFuture();
    }
    return db.query(GET, Tuple.of(subject, clientId)).map(rows -> Columns.first(rows, PgConsentStore::consent));
  }

  private static ConsentRecord consent(Row r) {
    return new ConsentRecord(r.getString(0), r.getString(1), r.getString(2), List.of(r.getArrayOfStrings(3)),
        List.of(r.getArrayOfStrings(4)), Columns.millis(r, 5));
  }

  @Override
  public Future<Boolean> remove(String subject, String clientId) {
    if (subject == null || clientId == null) {
      return Future.succeededFuture(false);
    }
    return db.query(REMOVE, Tuple.of(subject, clientId)).map(rows -> rows.rowCount() > 0);
  }
}
