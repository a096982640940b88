package dev.gitlabmcp.gateway.audit;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Every statement on the audit_log table (db/migration/V2__audit.sql), and the mapping of its rows. */
public final class AuditSql {

  private static final String COLUMNS = "at, subject, username, instance, client_id, tool, project, outcome, reason, "
      + "gitlab_status, duration_ms, request_id, session";

  static final String INSERT = "INSERT INTO audit_log (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
      + "$10, $11, $12, $13)";

  /** Rows purged per statement: a long purge never holds one long lock. */
  static final int PURGE_CHUNK = 10_000;

  static final String PURGE = "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 LIMIT "
      + PURGE_CHUNK + ")";

  private AuditSql() {
  }

  static Tuple tuple(AuditRecord r) {
    return Tuple.tuple(List.of(time(r.at()), r.subject(), r.username(), r.instance(), r.clientId(), r.tool(),
        r.project(), r.outcome().label(), r.reason(), r.gitlabStatus(), r.durationMs(), r.requestId(), r.session()));
  }

  static OffsetDateTime time(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  /** What the {@code audit} command asks for; null or blank filters are not applied. */
  public record Filter(Instant since, String user, String tool, String instance, int limit) {
  }

  /** A query with its parameters. */
  public record Query(String sql, Tuple params) {
  }

  /** The newest records matching {@code f}, newest first; {@code user} matches the username or the subject. */
  public static Query select(Filter f) {
    List<Object> params = new ArrayList<>();
    params.add(OffsetDateTime.ofInstant(f.since(), ZoneOffset.UTC));
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE at >= $1");
    if (f.user() != null && !f.user().isBlank()) {
      params.add(f.user().trim());
      sql.append(" AND (username = $").append(params.size()).append(" OR subject = $").append(params.size())
          .append(')');
    }
    if (f.tool() != null && !f.tool().isBlank()) {
      params.add(f.tool().trim());
      sql.append(" AND tool = $").append(params.size());
    }
    if (f.instance() != null && !f.instance().isBlank()) {
      params.add(f.instance().trim());
      sql.append(" AND instance = $").append(params.size());
    }
    params.add(f.limit());
    sql.append(" ORDER BY at DESC, id DESC LIMIT $").append(params.size());
    return new Query(sql.toString(), Tuple.tuple(params));
  }

  public static AuditRecord record(Row row) {
    return new AuditRecord(row.getOffsetDateTime("at").toInstant().toEpochMilli(), row.getString("subject"),
        row.getString("username"), row.getString("instance"), row.getString("client_id"), row.getString("tool"),
        row.getString("project"), AuditRecord.Outcome.of(row.getString("outcome")), row.getString("reason"),
        row.getInteger("gitlab_status"), row.getLong("duration_ms"), row.getString("request_id"),
        row.getString("session"));
  }
}
