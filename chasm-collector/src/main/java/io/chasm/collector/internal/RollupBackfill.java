package io.chasm.collector.internal;

import io.chasm.collector.internal.StatsRows.Agg;
import io.chasm.collector.internal.StatsRows.RowKey;
import io.chasm.collector.internal.db.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Schema 2's one-time fill of the rollups from the DAY rows already in {@code stats}, a mirror and
 * a month at a time, through the same code as ingestion (so old and new data add up alike).
 */
public final class RollupBackfill {
  private RollupBackfill() {}

  public static Void run(Connection c, Dialect dialect) throws SQLException {
    List<Long> mirrors = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT mirror_id FROM stats WHERE granularity = ?")) {
      ps.setInt(1, Windows.DAY);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          mirrors.add(rs.getLong(1));
        }
      }
    }
    for (long mirror : mirrors) {
      long[] span = span(c, mirror);
      for (long month = Windows.startOf(Windows.MONTH, span[0]); month <= span[1];
          month = Windows.unix(Windows.day(month).plusMonths(1))) {
        fill(c, dialect, mirror, month, Windows.unix(Windows.day(month).plusMonths(1)));
      }
    }
    return null;
  }

  private static long[] span(Connection c, long mirror) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT MIN(period_start), MAX(period_start) FROM stats WHERE granularity = ? AND mirror_id = ?")) {
      ps.setInt(1, Windows.DAY);
      ps.setLong(2, mirror);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static void fill(Connection c, Dialect dialect, long mirror, long from, long to) throws SQLException {
    TreeMap<RowKey, Agg> days = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT project, period_start, artifact, type, protocol, downloads, bytes, bot_requests, sketch FROM stats"
            + " WHERE granularity = ? AND mirror_id = ? AND period_start >= ? AND period_start < ?")) {
      ps.setInt(1, Windows.DAY);
      ps.setLong(2, mirror);
      ps.setLong(3, from);
      ps.setLong(4, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          days.put(new RowKey(Windows.DAY, rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
              rs.getString(5)), new Agg(rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getBytes(9)));
        }
      }
    }
    if (days.isEmpty()) {
      return;
    }
    List<RollupWriter.Merged> merged = new ArrayList<>();
    days.forEach((k, a) -> merged.add(new RollupWriter.Merged(k, a, Sketches.estimate(a.sketch()))));
    TreeMap<RowKey, Agg> windows = LegacyWindows.derive(days);
    StatsRows.merge(c, dialect, windows, mirror)
        .forEach((k, grown) -> merged.add(new RollupWriter.Merged(k, windows.get(k), grown)));
    RollupWriter.applyMirror(c, dialect, mirror, merged);
    RollupWriter.applyShared(c, merged);
  }
}
