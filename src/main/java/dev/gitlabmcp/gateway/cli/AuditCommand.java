package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.audit.AuditRecord;
import dev.gitlabmcp.gateway.audit.AuditSql;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.pg.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code audit}: the audit log of tool calls, read from PostgreSQL (docs/audit.md). Without DATABASE_URL the
 * audit log is in the gateway's log instead, and this says so. Exit codes: 0 ok, 1 the database cannot be read,
 * 2 usage, 78 invalid configuration.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Print the audit log of tool calls from PostgreSQL (DATABASE_URL), newest first.")
public final class AuditCommand implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([smhdw])");

  @Mixin
  ConfigOptions options = new ConfigOptions();

  @Option(names = "--since", paramLabel = "WHEN", defaultValue = "24h",
      description = "How far back: a duration (90m, 24h, 7d, 2w) or a time (2026-12-01 or 2026-12-01T08:00:00Z). "
          + "Default: ${DEFAULT-VALUE}.")
  String since;

  @Option(names = "--user", paramLabel = "USER", description = "Only this GitLab username (or subject, e.g. user:42).")
  String user;

  @Option(names = "--tool", paramLabel = "TOOL", description = "Only this tool.")
  String tool;

  @Option(names = "--instance", paramLabel = "NAME", description = "Only this GitLab instance.")
  String instance;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "At most this many records (1..100000). Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (aligned columns) or json (one JSON object per line). Default: ${DEFAULT-VALUE}.")
  String format;

  @Override
  public Integer call() {
    Instant from = since(since, Instant.now());
    if (from == null) {
      System.err.println("gitlab-mcp-gateway: --since '" + since + "' is neither a duration (90m, 24h, 7d, 2w) nor a "
          + "time (2026-12-01 or 2026-12-01T08:00:00Z)");
      return USAGE;
    }
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!fmt.equals("table") && !fmt.equals("json")) {
      System.err.println("gitlab-mcp-gateway: --format is table or json, not '" + format + "'");
      return USAGE;
    }
    if (limit < 1 || limit > 100_000) {
      System.err.println("gitlab-mcp-gateway: --limit is 1..100000");
      return USAGE;
    }
    GatewayConfig cfg = options.loadOrReport(GatewayConfig.Mode.HTTP, System.err);
    if (cfg == null) {
      return ConfigOptions.EXIT_CONFIG;
    }
    if (cfg.database() == null) {
      System.err.println("gitlab-mcp-gateway: DATABASE_URL is not set, so the audit log is not in a database: each "
          + "gateway writes it to its own log, one 'audit_tool_call' line per tool call (logger dev.gitlabmcp.audit; "
          + "docs/audit.md). Search those lines, or set DATABASE_URL to keep it in PostgreSQL.");
      return FAILED;
    }
    AuditSql.Query q = AuditSql.select(new AuditSql.Filter(from, user, tool, instance, limit));
    Vertx vertx = Vertx.vertx();
    Database db = Database.open(vertx, cfg.database(), 1);
    try {
      RowSet<Row> rows = db.query(q.sql(), q.params()).toCompletionStage().toCompletableFuture()
          .get(Database.QUERY_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
      List<AuditRecord> records = new ArrayList<>();
      rows.forEach(row -> records.add(AuditSql.record(row)));
      print(records, fmt.equals("json"), System.out);
      return OK;
    } catch (Exception e) {
      System.err.println("gitlab-mcp-gateway: cannot read the audit log from " + cfg.database().describe() + ": "
          + problem(e));
      return FAILED;
    } finally {
      db.close();
      vertx.close();
    }
  }

  /** The start of the range: now minus a duration, or a given time or date (UTC); null when neither. */
  static Instant since(String text, Instant now) {
    String t = text == null ? "" : text.trim();
    Matcher m = DURATION.matcher(t.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      long seconds = switch (m.group(2)) {
        case "s" -> n;
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86_400;
        default -> n * 7 * 86_400;
      };
      return now.minusSeconds(seconds);
    }
    try {
      return t.length() == 10 ? LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(t);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static void print(List<AuditRecord> records, boolean json, PrintStream out) {
    if (json) {
      for (AuditRecord r : records) {
        out.println(json(r).encode());
      }
      return;
    }
    out.printf("%-24s %-20s %-12s %-32s %-24s %-8s %-14s %7s  %s%n", "time (UTC)", "user", "instance", "tool",
        "project", "outcome", "detail", "ms", "client / request / session");
    for (AuditRecord r : records) {
      String detail = r.gitlabStatus() > 0 ? "gitlab " + r.gitlabStatus() + (r.reason().isEmpty() ? "" : " " + r.reason())
          : r.reason();
      out.printf("%-24s %-20s %-12s %-32s %-24s %-8s %-14s %7d  %s%n", Instant.ofEpochMilli(r.at()),
          r.username().isEmpty() ? r.subject() : r.username(), r.instance(), r.tool(), dash(r.project()),
          r.outcome().label(), dash(detail), r.durationMs(), dash(r.clientId()) + " / " + dash(r.requestId()) + " / "
              + r.session());
    }
    out.println(records.size() + " record(s).");
  }

  static JsonObject json(AuditRecord r) {
    return new JsonObject().put("time", Instant.ofEpochMilli(r.at()).toString()).put("subject", r.subject())
        .put("username", r.username()).put("instance", r.instance()).put("client_id", r.clientId())
        .put("tool", r.tool()).put("project", r.project()).put("outcome", r.outcome().label())
        .put("reason", r.reason()).put("gitlab_status", r.gitlabStatus()).put("duration_ms", r.durationMs())
        .put("request_id", r.requestId()).put("session", r.session());
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private static String problem(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && !(t instanceof DatabaseException)) {
      t = t.getCause();
    }
    if (t instanceof DatabaseException db && "42P01".equals(db.getSqlState())) {
      return "it has no audit_log table yet; a gateway (this version or later) creates it when it starts";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
