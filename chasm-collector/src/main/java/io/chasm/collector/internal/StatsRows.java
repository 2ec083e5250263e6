package io.chasm.collector.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
   * Adds a batch's rows of one mirror: one query for the rows that exist already (their sketches
   * are merged here, since no SQL unites HLL sketches), then one multi-row upsert. Only the roll in
   * progress of the mirror's shard ({@link Roller}, serialised by that shard's roll_state row) or
   * the backfill under the mirror's lock writes its stats rows, so nothing changes between the read
   * and the write.
   *
   * @return for each row in {@code rows}' order, by how much the stored row's rounded unique estimate grew
   */
  public static Map<RowKey, Long> merge(Connection c, Map<RowKey, Agg> rows, long mirrorId) throws SQLException {
    Map<RowKey, byte[]> old = new HashMap<>();
    MultiRow.selectIn(c, "SELECT granularity, project, period_start, artifact, type, protocol, sketch FROM stats"
        + " WHERE mirror_id = ? AND (granularity, project, period_start, artifact, type, protocol) IN", mirrorId, 6,
        List.copyOf(rows.keySet()), (ps, i, k) -> k.bind(ps, i),
        rs -> old.put(new RowKey(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
            rs.getString(6)), rs.getBytes(7)));
    Map<RowKey, Long> grown = new LinkedHashMap<>();
    Map<RowKey, byte[]> sketches = new HashMap<>();
    rows.forEach((k, a) -> {
      byte[] mine = empty(a.sketch) ? null : a.sketch;
      if (old.containsKey(k)) {
        byte[] before = old.get(k);
        byte[] merged = Sketches.merge(before, mine);
        sketches.put(k, empty(merged) ? null : merged);
        grown.put(k, Sketches.estimate(merged) - Sketches.estimate(before));
      } else {
        sketches.put(k, mine);
        grown.put(k, Sketches.estimate(mine));
      }
    });
    MultiRow.upsert(c, UPSERT, rows, (ps, i, e) -> {
      Agg a = e.getValue();
      i = e.getKey().bind(ps, i);
      ps.setLong(i++, mirrorId);
      ps.setLong(i++, a.downloads);
      ps.setLong(i++, a.bytes);
      ps.setLong(i++, a.bots);
      ps.setBytes(i++, sketches.get(e.getKey()));
      return i;
    });
    return grown;
  }

  private static final MultiRow.Upsert UPSERT = new MultiRow.Upsert("stats",
      List.of("granularity", "project", "period_start", "artifact", "type", "protocol", "mirror_id"),
      List.of("downloads", "bytes", "bot_requests", "sketch"),
      MultiRow.Upsert.adding("stats", "downloads", "bytes", "bot_requests") + ", sketch = excluded.sketch");

  private static boolean empty(byte[] b) {
    return b == null || b.length == 0;
  }
}
