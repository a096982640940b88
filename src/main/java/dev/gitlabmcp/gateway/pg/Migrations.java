package dev.gitlabmcp.gateway.pg;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forward-only schema migrations: {@code db/migration/V<n>__<name>.sql}, listed in order in
 * {@code db/migration/index.txt} (a jar cannot list a directory). All pending ones run in one transaction
 * that first takes a transaction-scoped advisory lock, so replicas starting at once queue behind the first:
 * it migrates, the others find nothing left to do. {@code schema_version} holds one row per applied file.
 */
public final class Migrations {

  /** One migration file. */
  public record Migration(int version, String name, String sql) {
  }

  /** The database was migrated by a newer gateway than this one: starting would misread its tables. */
  public static final class SchemaTooNew extends RuntimeException {
    public SchemaTooNew(int found, int known) {
      super("the database is at schema version " + found + ", newer than this gateway knows (" + known
          + "): a newer gateway migrated it. Run that version or a later one; migrations only go forward, so an "
          + "older gateway needs a backup taken before the upgrade", null, false, false);
    }
  }

  /** Any number that no other component of the same database would take for its own advisory lock. */
  static final long LOCK_KEY = 0x676c6d6370_01L; // "glmcp" 1

  private static final String INDEX = "db/migration/index.txt";
  private static final Pattern FILE = Pattern.compile("V([1-9][0-9]{0,5})__([a-z0-9_]{1,64})\\.sql");
  private static final String CREATE_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version ("
      + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";
  private static final String CURRENT = "SELECT coalesce(max(version), 0) FROM schema_version";

  private final List<Migration> all;

  Migrations(List<Migration> all) {
    this.all = List.copyOf(all);
  }

  /** The migrations this jar carries (blocking classpath reads: call before serving). */
  public static Migrations bundled() {
    ClassLoader loader = Migrations.class.getClassLoader();
    List<Migration> list = new ArrayList<>();
    for (String line : read(loader, INDEX).split("\n")) {
      String name = line.trim();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      Matcher m = FILE.matcher(name);
      if (!m.matches()) {
        throw new IllegalStateException(INDEX + ": '" + name + "' is not named V<n>__<name>.sql");
      }
      int version = Integer.parseInt(m.group(1));
      if (version != list.size() + 1) {
        throw new IllegalStateException(INDEX + ": " + name + " should be version " + (list.size() + 1));
      }
      list.add(new Migration(version, m.group(2), read(loader, "db/migration/" + name)));
    }
    return new Migrations(list);
  }

  private static String read(ClassLoader loader, String path) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  /** The newest schema version this jar knows. */
  public int latest() {
    return all.size();
  }

  public List<Migration> all() {
    return all;
  }

  /**
   * Brings the database to {@link #latest()}; the version it was at before. Fails with {@link SchemaTooNew}
   * when the database is ahead of this jar.
   */
  public Future<Integer> apply(Pool pool) {
    // A migration (and waiting for another replica's) may take longer than the statement timeout of store calls.
    return pool.withTransaction(conn -> conn.query("SET LOCAL statement_timeout = '15min'").execute()
        .compose(v -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute())
        .compose(v -> conn.query(CREATE_VERSION_TABLE).execute())
        .compose(v -> current(conn))
        .compose(found -> applyFrom(conn, found).map(found)));
  }

  private Future<Void> applyFrom(SqlConnection conn, int found) {
    if (found > latest()) {
      return Future.failedFuture(new SchemaTooNew(found, latest()));
    }
    Future<Void> chain = Future.succeededFuture();
    for (Migration m : all.subList(found, all.size())) {
      chain = chain.compose(v -> conn.query(m.sql()).execute())
          .compose(v -> conn.preparedQuery("INSERT INTO schema_version (version, name) VALUES ($1, $2)")
              .execute(Tuple.of(m.version(), m.name())))
          .mapEmpty();
    }
    return chain;
  }

  /** The schema version of the database (0 when never migrated), without changing anything. */
  public static Future<Integer> version(Pool pool) {
    return pool.withConnection(conn -> conn.query("SELECT to_regclass('schema_version') IS NOT NULL").execute()
        .compose(rows -> rows.iterator().next().getBoolean(0) ? current(conn) : Future.succeededFuture(0)));
  }

  private static Future<Integer> current(SqlConnection conn) {
    return conn.query(CURRENT).execute().map(rows -> rows.iterator().next().getInteger(0));
  }
}
