package dev.gitlabmcp.gateway.pg;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/** Conversions between the records' fields and their columns (epoch millis as timestamptz, lists as text[]). */
final class Columns {

  private Columns() {
  }

  static OffsetDateTime time(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  static long millis(Row row, int column) {
    return row.getOffsetDateTime(column).toInstant().toEpochMilli();
  }

  static String[] array(List<String> values) {
    return values.toArray(String[]::new);
  }

  /** The first row mapped, or null when there is none. */
  static <T> T first(RowSet<Row> rows, Function<Row, T> map) {
    var it = rows.iterator();
    return it.hasNext() ? map.apply(it.next()) : null;
  }
}
