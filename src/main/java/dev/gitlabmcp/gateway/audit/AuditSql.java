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

  /**
   * One statement per batch: the batch's columns as arrays, unnested into rows (one round trip and one statement
   * to parse, where a row per statement costs the client several times the CPU).
   */
  static final String INSERT = "INSERT INTO audit_log (" + COLUMNS + ") SELECT * FROM unnest($1::timestamptz[], "
      + "$2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], "
      + "$11::bigint[], $12::text[], $13::text[])";

  /** Rows purged per statement: a long purge never holds one long lock. */
  static final int PURGE_CHUNK = 10_000;

  static final String PURGE = "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 LIMIT "
      + PURGE_CHUNK + ")";

  private AuditSql() {
  }

  /** The parameters of {@link #INSERT} for {@code batch}. */
  static Tuple batch(List<AuditRecord> batch) {
    int n = batch.size();
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[][] text = new String[10][n];
    Integer[] status = new Integer[n];
    Long[] duration = new Long[n];
    for (int i = 0; i < n; i++) {
      AuditRecord r = batch.get(i);
      at[i] = time(r.at());
      text[0][i] = r.subject();
      text[1][i] = r.username();
      text[2][i] = r.instance();
      text[3][i] = r.clientId();
      text[4][i] = r.tool();
      text[5][i] = r.project();
      text[6][i] = r.outcome().label();
      text[7][i] = r.reason();
      text[8][i] = r.requestId();
      text[9][i] = r.session();
      status[i] = r.gitlabStatus();
      duration[i] = r.durationMs();
    }
    return Tuple.of(at, text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], status, duration,
        text[8], text[9]);
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
