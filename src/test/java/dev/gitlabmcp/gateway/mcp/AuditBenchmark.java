package dev.gitlabmcp.gateway.mcp;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.gitlabmcp.gateway.audit.AuditSink;
import dev.gitlabmcp.gateway.audit.LogAuditSink;
import dev.gitlabmcp.gateway.audit.PgAuditSink;
import dev.gitlabmcp.gateway.auth.CredentialHandle;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.ops.log.DroppedLogs;
import dev.gitlabmcp.gateway.ops.log.LogSetup;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.tools.ToolExecutor;
import dev.gitlabmcp.gateway.tools.ToolResults;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * What auditing costs one tool call: the record built from the call (ToolCallAudit) and handed to a sink, measured
 * as CPU time of the calling thread (the event loop's share) and of the whole process (the log writer thread or the
 * database writer included). Not a test: timings on a shared machine are not assertions. Run by hand:
 * {@code java -cp target/classes:target/test-classes:<deps> dev.gitlabmcp.gateway.mcp.AuditBenchmark [records]
 * [none|log-text|log-json|pg ...]}; {@code pg} writes to DATABASE_URL (migrated first).
 */
public final class AuditBenchmark {

  private AuditBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    List<String> modes = args.length > 1 ? List.of(args).subList(1, args.length)
        : List.of("none", "log-text", "log-json", "pg");
    PrintStream report = System.out;
    System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream())); // the log lines go nowhere
    CallContext ctx = new CallContext(new Principal("default", CredentialHandle.SERVER, "user:4711", true, "alice",
        "https://client.example.com/meta.json"), "2025-11-25", null, Set.of(), LogLevel.INFO,
        "3fa2c9e1-0000-4000-8000-000000000000", "3fa2c9e1", null);
    JsonObject args0 = new JsonObject().put("project_id", "group/app").put("file_path", "src/Main.java")
        .put("content", "x".repeat(4096));
    ToolExecutor.Outcome outcome = new ToolExecutor.Outcome(ToolResults.text("{\"id\":1}"), 200, 12, null);
    Vertx vertx = Vertx.vertx();
    for (String mode : modes) {
      AuditSink sink = sink(mode, vertx);
      run(sink, ctx, args0, outcome, n / 5); // warm-up
      long dropsBefore = DroppedLogs.count();
      Measured m = run(sink, ctx, args0, outcome, n);
      sink.close().toCompletionStage().toCompletableFuture().get();
      long process = processCpuNanos() - m.processStart;
      String extra = sink instanceof PgAuditSink pg ? String.format(" written=%d dropped=%d", pg.written(),
          pg.dropped()) : mode.startsWith("log") ? " log lines dropped=" + (DroppedLogs.count() - dropsBefore) : "";
      report.printf("%-9s %,d records: caller thread %.0f ns CPU/record, process %.0f ns CPU/record "
          + "(writer included, until flushed), wall %.0f ns/record%s%n", mode, n, (double) m.callerCpu / n,
          (double) process / n, (double) m.wall / n, extra);
    }
    vertx.close();
  }

  private record Measured(long callerCpu, long wall, long processStart) {
  }

  private static Measured run(AuditSink sink, CallContext ctx, JsonObject args, ToolExecutor.Outcome o, int n) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long p0 = processCpuNanos();
    long c0 = mx.getCurrentThreadCpuTime();
    long w0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      ToolCallAudit.catalog(sink, ctx, i, "create_or_update_file", args, o, false, w0);
    }
    return new Measured(mx.getCurrentThreadCpuTime() - c0, System.nanoTime() - w0, p0);
  }

  private static AuditSink sink(String mode, Vertx vertx) throws Exception {
    switch (mode) {
      case "none" -> {
        return AuditSink.NONE;
      }
      case "log-text", "log-json" -> {
        configureLogging(mode.equals("log-json") ? "json" : "text");
        return new LogAuditSink();
      }
      default -> {
        String url = System.getenv("DATABASE_URL");
        if (url == null || url.isBlank()) {
          throw new IllegalStateException("pg needs DATABASE_URL");
        }
        Database db = Database.open(vertx, DatabaseUrl.parse(url), 4);
        db.migrate().toCompletionStage().toCompletableFuture().get();
        return new PgAuditSink(vertx, db.pool(), 1_000_000, PgAuditSink.DEFAULT_BATCH, PgAuditSink.DEFAULT_FLUSH_MS)
            .start(90, System::currentTimeMillis);
      }
    }
  }

  /** The production logback.xml (non-blocking appender) in the given format, writing to the null stdout. */
  private static void configureLogging(String format) throws Exception {
    LogSetup.properties(format, "info", false).forEach(System::setProperty);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(AuditBenchmark.class.getResource("/logback.xml"));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
