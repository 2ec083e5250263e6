package io.chasm.collector.internal;

import io.chasm.collector.internal.db.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The raw aggregate table {@code stats}: one row per mirror and (granularity, project, period,
 * artifact, type, protocol), its sketch the union of every batch's. Merging reports how much each
 * row's unique-downloader estimate moved, which is what the rollups add up.
 */
public final class StatsRows {
  private StatsRows() {}

  /** Primary key of an aggregate row, less the mirror. Ordered for lock ordering. */
  public record RowKey(int granularity, String project, long periodStart, String artifact, String type, String protocol)
      implements Comparable<RowKey> {
    int bind(PreparedStatement ps, int i) throws SQLException {
      ps.setInt(i++, granularity);
      ps.setString(i++, project);
      ps.setLong(i++, periodStart);
      ps.setString(i++, artifact);
      ps.setString(i++, type);
      ps.setString(i++, protocol);
      return i;
    }

    @Override
    public int compareTo(RowKey o) {
      int c = Integer.compare(granularity, o.granularity);
      if (c == 0) c = project.compareTo(o.project);
      if (c == 0) c = Long.compare(periodStart, o.periodStart);
      if (c == 0) c = artifact.compareTo(o.artifact);
      if (c == 0) c = type.compareTo(o.type);
      if (c == 0) c = protocol.compareTo(o.protocol);
      return c;
    }
  }

  /** Counters and sketch of one row (sketch empty when there is none). */
  public record Agg(long downloads, long bytes, long bots, byte[] sketch) {
    public Agg plus(Agg o) {
      return new Agg(downloads + o.downloads, bytes + o.bytes, bots + o.bots, Sketches.merge(sketch, o.sketch));
    }
  }

  /**
   * Inserts every new row in one JDBC batch (a fresh period is the common case), then merges the
   * rows that existed already, one by one under a row lock.
   *
   * @return for each row, by how much the stored row's rounded unique estimate grew
   */
  public static Map<RowKey, Long> merge(Connection c, Dialect dialect, TreeMap<RowKey, Agg> rows, long mirrorId)
      throws SQLException {
    List<Map.Entry<RowKey, Agg>> entries = new ArrayList<>(rows.entrySet());
    Map<RowKey, Long> grown = new LinkedHashMap<>();
    int[] inserted;
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO stats (granularity, project, period_start, artifact, type, protocol, mirror_id, downloads,"
            + " bytes, bot_requests, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (granularity, project, period_start, artifact, type, protocol, mirror_id) DO NOTHING")) {
      for (var e : entries) {
        Agg a = e.getValue();
        int i = e.getKey().bind(ins, 1);
        ins.setLong(i++, mirrorId);
        ins.setLong(i++, a.downloads);
        ins.setLong(i++, a.bytes);
        ins.setLong(i++, a.bots);
        ins.setBytes(i, a.sketch == null || a.sketch.length == 0 ? null : a.sketch);
        ins.addBatch();
      }
      inserted = ins.executeBatch();
    }
    for (int n = 0; n < entries.size(); n++) {
      RowKey k = entries.get(n).getKey();
      Agg a = entries.get(n).getValue();
      // SUCCESS_NO_INFO would leave us unsure: treat only an explicit 0 as "existed".
      if (inserted[n] == 0) {
        grown.put(k, mergeExisting(c, dialect, k, a, mirrorId));
      } else {
        grown.put(k, Sketches.estimate(a.sketch));
      }
    }
    return grown;
  }

  private static long mergeExisting(Connection c, Dialect dialect, RowKey k, Agg a, long mirrorId) throws SQLException {
    String where = " WHERE granularity = ? AND project = ? AND period_start = ? AND artifact = ? AND type = ?"
        + " AND protocol = ? AND mirror_id = ?";
    byte[] old;
    try (PreparedStatement sel = c.prepareStatement("SELECT sketch FROM stats" + where + dialect.forUpdate())) {
      int i = k.bind(sel, 1);
      sel.setLong(i, mirrorId);
      try (ResultSet rs = sel.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("aggregate row vanished during merge", "40001");
        }
        old = rs.getBytes(1);
      }
    }
    byte[] merged = Sketches.merge(old, a.sketch);
    try (PreparedStatement up = c.prepareStatement(
        "UPDATE stats SET downloads = downloads + ?, bytes = bytes + ?, bot_requests = bot_requests + ?, sketch = ?"
            + where)) {
      up.setLong(1, a.downloads);
      up.setLong(2, a.bytes);
      up.setLong(3, a.bots);
      up.setBytes(4, merged == null || merged.length == 0 ? null : merged);
      int i = k.bind(up, 5);
      up.setLong(i, mirrorId);
      up.executeUpdate();
    }
    return Sketches.estimate(merged) - Sketches.estimate(old);
  }
}
