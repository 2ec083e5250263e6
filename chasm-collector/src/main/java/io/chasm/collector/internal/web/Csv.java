package io.chasm.collector.internal.web;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** RFC 4180 CSV export of API rows. */
final class Csv {
  private Csv() {}

  static void write(Context ctx, String filename, List<String> columns, List<Map<String, Object>> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.join(",", columns)).append("\r\n");
    for (Map<String, Object> row : rows) {
      for (int i = 0; i < columns.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(field(value(row, columns.get(i))));
      }
      sb.append("\r\n");
    }
    ctx.contentType("text/csv; charset=utf-8")
        .header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
        .result(sb.toString());
  }

  /** A column, or for unique_window/unique_start the field of the row's "uniques" object. */
  private static Object value(Map<String, Object> row, String column) {
    if (!row.containsKey(column) && column.startsWith("unique_") && row.get("uniques") instanceof Map<?, ?> u) {
      return u.get(column.substring("unique_".length()));
    }
    return row.get(column);
  }

  static String field(Object v) {
    if (v == null) {
      return "";
    }
    String s = v.toString();
    // A leading = + - @ would run as a formula in spreadsheets: quote it away.
    boolean formula = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !(v instanceof Number);
    if (formula) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") || formula) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
