package dev.gitlabmcp.gateway.pg;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.ops.ReadinessCheck;
import dev.gitlabmcp.gateway.state.StoreUnavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL database of durable state: one connection pool per process, the schema migrated at start,
 * and every store query bounded in time. A database that is down makes each store call fail within
 * {@link #QUERY_TIMEOUT_MS} with {@link StoreUnavailable} (never a hang); the pool reconnects by itself
 * when the database returns.
 */
public final class Database {

  /** Longest wait for a TCP connection to the database. */
  public static final int CONNECT_TIMEOUT_MS = 5_000;
  /** Longest a store call waits for a pooled connection and its answer (server-side statement_timeout too). */
  public static final long QUERY_TIMEOUT_MS = 5_000;
  /** Calls waiting for a connection beyond this many fail at once instead of queueing. */
  public static final int MAX_WAITING = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final Pool pool;
  private final DatabaseUrl target;
  private final Migrations migrations;
  private final AtomicBoolean failing = new AtomicBoolean();

  private Database(Pool pool, DatabaseUrl target, Migrations migrations) {
    this.pool = pool;
    this.target = target;
    this.migrations = migrations;
  }

  /** A pool to the database (no connection is made until used). */
  public static Database open(Vertx vertx, DatabaseUrl target, int poolSize) {
    return open(vertx, target, poolSize, Migrations.bundled());
  }

  static Database open(Vertx vertx, DatabaseUrl target, int poolSize, Migrations migrations) {
    int connectTimeout = target.connectTimeoutSeconds() > 0 ? target.connectTimeoutSeconds() * 1000 : CONNECT_TIMEOUT_MS;
    PoolOptions poolOptions = new PoolOptions().setMaxSize(poolSize).setMaxWaitQueueSize(MAX_WAITING)
        .setConnectionTimeout((int) QUERY_TIMEOUT_MS).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout(300).setIdleTimeoutUnit(TimeUnit.SECONDS).setName("gateway-db");
    NetClientOptions net = new NetClientOptions().setConnectTimeout(connectTimeout).setTcpKeepAlive(true);
    Pool pool = PgBuilder.pool().with(poolOptions).with(net).connectingTo(connectOptions(target)).using(vertx)
        .build();
    return new Database(pool, target, migrations);
  }

  /** The libpq-style target as Vert.x connect options: TLS mode, trust, and the server-side statement timeout. */
  static PgConnectOptions connectOptions(DatabaseUrl t) {
    PgConnectOptions o = new PgConnectOptions().setHost(t.host()).setPort(t.port()).setDatabase(t.database())
        .setUser(t.user()).setPassword(t.password().reveal()).setReconnectAttempts(0)
        .setProperties(Map.of("application_name", t.applicationName(),
            "statement_timeout", Long.toString(QUERY_TIMEOUT_MS)));
    ClientSSLOptions ssl = new ClientSSLOptions();
    switch (t.sslMode()) {
      case "disable" -> o.setSslMode(SslMode.DISABLE);
      case "verify-ca" -> {
        o.setSslMode(SslMode.VERIFY_CA);
        ssl.setTrustOptions(trust(t)).setHostnameVerificationAlgorithm("");
      }
      case "verify-full" -> {
        o.setSslMode(SslMode.VERIFY_FULL);
        ssl.setTrustOptions(trust(t)).setHostnameVerificationAlgorithm("HTTPS");
      }
      default -> {
        // allow, prefer, require: encrypted when the server can, the certificate checked only against a
        // given sslrootcert (libpq's behaviour: require with a root certificate verifies like verify-ca).
        o.setSslMode(switch (t.sslMode()) {
          case "allow" -> SslMode.ALLOW;
          case "require" -> SslMode.REQUIRE;
          default -> SslMode.PREFER;
        });
        if (t.rootCertFile().isEmpty()) {
          ssl.setTrustAll(true);
        } else {
          ssl.setTrustOptions(trust(t));
        }
        ssl.setHostnameVerificationAlgorithm("");
      }
    }
    return o.setSslOptions(ssl);
  }

  /** sslrootcert's CAs, else the JVM's default trust store (public CAs, as a browser would). */
  private static TrustOptions trust(DatabaseUrl t) {
    if (!t.rootCertFile().isEmpty()) {
      return new PemTrustOptions().addCertPath(t.rootCertFile());
    }
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      return TrustOptions.wrap(f);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM's default trust store cannot be read", e);
    }
  }

  /**
   * Brings the schema up to date (once, whichever replica gets the lock first); fails with
   * {@link Migrations.SchemaTooNew} when the database is ahead of this gateway.
   */
  public Future<Void> migrate() {
    long t0 = System.nanoTime();
    return migrations.apply(pool).onSuccess(from -> LOG.info("database_ready target={} schema_version={}{} ms={}",
        target.describe(), migrations.latest(), from < migrations.latest() ? " migrated_from=" + from : "",
        (System.nanoTime() - t0) / 1_000_000)).mapEmpty();
  }

  /** The schema version the database is at (0: never migrated), without changing it. */
  public Future<Integer> schemaVersion() {
    return bounded(Migrations.version(pool));
  }

  public int knownSchemaVersion() {
    return migrations.latest();
  }

  /** For /health/ready: the database answers a trivial query in time. */
  public ReadinessCheck readiness() {
    return new ReadinessCheck("database", () -> query("SELECT 1", Tuple.tuple()).mapEmpty());
  }

  /**
   * Runs one statement with the store-call bounds; a database that cannot be reached (or does not answer
   * in time) fails it with {@link StoreUnavailable}. Other database errors (a bug in a statement) pass as they are.
   */
  public Future<RowSet<Row>> query(String sql, Tuple args) {
    return bounded(pool.preparedQuery(sql).execute(args));
  }

  private <T> Future<T> bounded(Future<T> call) {
    return call.timeout(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .transform(ar -> {
          if (ar.succeeded()) {
            if (failing.compareAndSet(true, false)) {
              LOG.info("database_available target={}", target.describe());
            }
            return Future.succeededFuture(ar.result());
          }
          Throwable err = ar.cause();
          if (!unreachable(err)) {
            return Future.failedFuture(err);
          }
          if (failing.compareAndSet(false, true)) {
            LOG.warn("database_unavailable target={} reason={}", target.describe(), err.toString());
          }
          return Future.failedFuture(new StoreUnavailable("the database", err));
        });
  }

  /**
   * Whether the failure says the database is away rather than the statement wrong: no answer, a closed or
   * refused connection, or the server's own connection, resource, shutdown and timeout classes.
   */
  static boolean unreachable(Throwable err) {
    if (!(err instanceof DatabaseException db) || db.getSqlState() == null) {
      return true;
    }
    String state = db.getSqlState();
    return state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("58");
  }

  /** The pool, for other durable writers of the same database (the audit log). */
  public Pool pool() {
    return pool;
  }

  public DatabaseUrl target() {
    return target;
  }

  public Future<Void> close() {
    return pool.close();
  }
}
