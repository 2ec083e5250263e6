package io.chasm.collector.internal;

import io.chasm.collector.internal.StatsRows.Agg;
import io.chasm.collector.internal.StatsRows.RowKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Schema 2's one-time fill of the rollups from the DAY, WEEK and MONTH rows already in {@code
 * stats}, a mirror and a month at a time, through the same code as ingestion (so old and new data
 * add up alike). Data from agents that sent no WEEK or MONTH rows gets no week or month unique
 * figures: a union of daily sketches would count a returning client once per day (SPEC §11.9).
 */
public final class RollupBackfill {
  private RollupBackfill() {}

  public static Void run(Connection c) throws SQLException {
    List<Long> mirrors = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT mirror_id FROM stats WHERE granularity >= ?")) {
      ps.setInt(1, Windows.DAY);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          mirrors.add(rs.getLong(1));
        }
      }
    }
    for (long mirror : mirrors) {
      MirrorDao.lock(c, mirror);
      long[] span = span(c, mirror);
      for (long month = Windows.startOf(Windows.MONTH, span[0]); month <= span[1];
          month = Windows.unix(Windows.day(month).plusMonths(1))) {
        fill(c, mirror, month, Windows.unix(Windows.day(month).plusMonths(1)));
      }
    }
    return null;
  }

  private static long[] span(Connection c, long mirror) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT MIN(period_start), MAX(period_start) FROM stats WHERE granularity >= ? AND mirror_id = ?")) {
      ps.setInt(1, Windows.DAY);
      ps.setLong(2, mirror);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static void fill(Connection c, long mirror, long from, long to) throws SQLException {
    TreeMap<RowKey, Agg> rows = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT granularity, project, period_start, artifact, type, protocol, downloads, bytes, bot_requests, sketch"
            + " FROM stats WHERE granularity >= ? AND mirror_id = ? AND period_start >= ? AND period_start < ?")) {
      ps.setInt(1, Windows.DAY);
      ps.setLong(2, mirror);
      ps.setLong(3, from);
      ps.setLong(4, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(new RowKey(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
              rs.getString(6)), new Agg(rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getBytes(10)));
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    // Each stored row counts as if its batch had just created it.
    List<RollupWriter.Merged> merged = new ArrayList<>();
    rows.forEach((k, a) -> merged.add(new RollupWriter.Merged(k, a, Sketches.estimate(a.sketch()))));
    RollupWriter.applyShared(c, merged, List.of(RollupWriter.applyMirror(c, mirror, merged)));
  }
}
