package dev.gitlabmcp.gateway.pg;

import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.GrantStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * {@link GrantStore} in the {@code oauth_grants} table. Writes are compare-and-set on {@code version} in
 * the UPDATE's WHERE clause; an expired row reads as absent (judged by the injected clock) and is deleted
 * by {@link #purgeExpired}. {@code sealed_tokens} arrives sealed: this class never sees a GitLab token.
 */
public final class PgGrantStore implements GrantStore {

  private static final String COLUMNS = "id, subject, username, client_id, scopes, resource, instances, key_id, "
      + "sealed_tokens, refresh_hash, spent_refresh_hashes, version, created_at, expires_at";
  /** A new row, or in place of an expired one with the same id (as if it had been purged). */
  private static final String CREATE = "INSERT INTO oauth_grants (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, "
      + "$7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO UPDATE SET subject = $2, username = $3, "
      + "client_id = $4, scopes = $5, resource = $6, instances = $7, key_id = $8, sealed_tokens = $9, "
      + "refresh_hash = $10, spent_refresh_hashes = $11, version = $12, created_at = $13, expires_at = $14 "
      + "WHERE oauth_grants.expires_at <= $15";
  private static final String GET = "SELECT " + COLUMNS + " FROM oauth_grants WHERE id = $1 AND expires_at > $2";
  /** The whole record, as the memory store keeps it; only from the version it was read at. */
  private static final String REPLACE = "UPDATE oauth_grants SET subject = $2, username = $3, client_id = $4, "
      + "scopes = $5, resource = $6, instances = $7, key_id = $8, sealed_tokens = $9, refresh_hash = $10, "
      + "spent_refresh_hashes = $11, version = $12, created_at = $13, expires_at = $14 "
      + "WHERE id = $1 AND version = $12 - 1 AND expires_at > $15";
  private static final String REMOVE = "DELETE FROM oauth_grants WHERE id = $1";
  private static final String COUNT_BY_KEY = "SELECT key_id, count(*) FROM oauth_grants WHERE expires_at > $1 "
      + "GROUP BY key_id";
  private static final String PURGE = "DELETE FROM oauth_grants WHERE expires_at <= $1";

  private final Database db;
  private final LongSupplier clock;

  public PgGrantStore(Database db, LongSupplier clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Future<Void> create(GrantRecord g) {
    if (g.version() != 1) {
      return Future.failedFuture(new IllegalArgumentException("a new grant starts at version 1"));
    }
    return db.query(CREATE, row(g)).compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("grant id exists")));
  }

  /** Every column in {@link #COLUMNS} order, then "now" as $15. */
  private Tuple row(GrantRecord g) {
    return Tuple.of(g.id(), g.subject(), g.username(), g.clientId(), Columns.array(g.scopes()), g.resource(),
        Columns.array(g.instances()), g.keyId(), g.sealedTokens(), g.refreshHash(),
        Columns.array(g.spentRefreshHashes()), g.version(), Columns.time(g.createdAt()), Columns.time(g.expiresAt()),
        now());
  }

  @Override
  public Future<GrantRecord> get(String id) {
    if (id == null) {
      return Future.succeededFuture();
    }
    return db.query(GET, Tuple.of(id, now())).map(rows -> Columns.first(rows, PgGrantStore::grant));
  }

  private static GrantRecord grant(Row r) {
    return new GrantRecord(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
        List.of(r.getArrayOfStrings(4)), r.getString(5), List.of(r.getArrayOfStrings(6)), r.getString(7),
        r.getString(8), r.getString(9), List.of(r.getArrayOfStrings(10)), r.getLong(11), Columns.millis(r, 12),
        Columns.millis(r, 13));
  }

  @Override
  public Future<Boolean> replace(GrantRecord next) {
    return db.query(REPLACE, row(next)).map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Boolean> remove(String id) {
    if (id == null) {
      return Future.succeededFuture(false);
    }
    return db.query(REMOVE, Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Map<String, Long>> countByKeyId() {
    return db.query(COUNT_BY_KEY, Tuple.of(now())).map(rows -> {
      Map<String, Long> counts = new TreeMap<>();
      rows.forEach(r -> counts.put(r.getString(0), r.getLong(1)));
      return counts;
    });
  }

  @Override
  public Future<Long> purgeExpired(long nowMillis) {
    return db.query(PURGE, Tuple.of(Columns.time(nowMillis))).map(rows -> (long) rows.rowCount());
  }

  private java.time.OffsetDateTime now() {
    return Columns.time(clock.getAsLong());
  }
}
