package io.chasm.collector.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;

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

    long hash() {
      return RollMemory.hash(granularity, periodStart, project, artifact, type, protocol);
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

  /**
   * Counters and sketches added to one row: each submitted sketch parsed once, united once, when
   * {@link #sketch()} is first asked for (a roll adds a mirror's rows of many batches here).
   */
  public static final class Agg {
    private long downloads;
    private long bytes;
    private long bots;
    private final List<HllSketch> sketches = new ArrayList<>(1);
    private HllSketch united;
    private boolean unitedDone;

    public Agg() {}

    /** A row as stored (sketch bytes null or empty: none). */
    public Agg(long downloads, long bytes, long bots, byte[] sketch) {
      add(downloads, bytes, bots, Sketches.parsed(sketch));
    }

    /** Adds counters and a parsed sketch (null: none). */
    public Agg add(long downloads, long bytes, long bots, HllSketch sketch) {
      this.downloads += downloads;
      this.bytes += bytes;
      this.bots += bots;
      if (sketch != null) {
        sketches.add(sketch);
        unitedDone = false;
      }
      return this;
    }

    public long downloads() {
      return downloads;
    }

    public long bytes() {
      return bytes;
    }

    public long bots() {
      return bots;
    }

    /** The union of the sketches added (null for none). */
    public HllSketch sketch() {
      if (!unitedDone) {
        united = Sketches.unite(sketches);
        unitedDone = true;
      }
      return united;
    }
  }

  /**
   * Adds a batch's rows of one mirror: per table, one query for the rows that exist already (their
   * sketches are merged here, since no SQL unites HLL sketches), then one multi-row upsert. HOUR
   * and DAY rows go to {@code stats}; WEEK and MONTH rows, sketches only, to {@code
   * window_sketches} (V7__window_sketches.sql). Only the roll in progress of the mirror's shard
   * ({@link Roller}, serialised by that shard's roll_state row) or the backfill under the mirror's
   * lock writes these rows, so nothing changes between the read and the write.
   *
   * @return for each row of {@code rows}, by how much the stored row's rounded unique estimate grew
   */
  public static Map<RowKey, Long> merge(Connection c, Map<RowKey, Agg> rows, long mirrorId) throws SQLException {
    return merge(c, rows, mirrorId, null);
  }

  /** As {@link #merge(Connection, Map, long)}, probing only the rows {@code memory} (if any) cannot rule out. */
  static Map<RowKey, Long> merge(Connection c, Map<RowKey, Agg> rows, long mirrorId, RollMemory memory)
      throws SQLException {
    Map<RowKey, Agg> counted = new HashMap<>();
    Map<RowKey, Agg> windowed = new HashMap<>();
    rows.forEach((k, a) -> (k.granularity() >= Windows.WEEK ? windowed : counted).put(k, a));
    Map<RowKey, Long> grown = new HashMap<>();
    merge(c, STATS, counted, mirrorId, grown, memory);
    merge(c, WINDOW_SKETCHES, windowed, mirrorId, grown, memory);
    return grown;
  }

  private static void merge(Connection c, MultiRow.Upsert table, Map<RowKey, Agg> rows, long mirrorId,
      Map<RowKey, Long> grown, RollMemory memory) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    boolean counters = table == STATS;
    RollMemory.Table which = counters ? RollMemory.Table.STATS : RollMemory.Table.WINDOW_SKETCHES;
    List<RowKey> unknown = new ArrayList<>(rows.size());
    long[] hashes = new long[rows.size()];
    List<RowKey> keys = List.copyOf(rows.keySet());
    for (int n = 0; n < keys.size(); n++) {
      RowKey k = keys.get(n);
      hashes[n] = memory == null ? 0 : k.hash();
      if (memory == null
          || !memory.knownAbsent(c, which, mirrorId, k.granularity(), k.periodStart(), hashes[n])) {
        unknown.add(k);
      }
    }
    Map<RowKey, byte[]> old = new HashMap<>();
    MultiRow.selectIn(c, "SELECT granularity, project, period_start, artifact, type, protocol, sketch FROM "
        + table.table() + " WHERE mirror_id = ? AND (granularity, project, period_start, artifact, type, protocol) IN",
        mirrorId, 6, unknown, (ps, i, k) -> k.bind(ps, i),
        rs -> old.put(new RowKey(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
            rs.getString(6)), rs.getBytes(7)));
    Map<RowKey, byte[]> sketches = new HashMap<>();
    rows.forEach((k, a) -> {
      HllSketch mine = a.sketch();
      HllSketch before = Sketches.parsed(old.get(k));
      HllSketch merged = before == null ? mine : mine == null ? before : Sketches.unite(List.of(before, mine));
      sketches.put(k, Sketches.bytes(merged));
      grown.put(k, Sketches.estimate(merged) - Sketches.estimate(before));
    });
    MultiRow.upsert(c, table, rows, (ps, i, e) -> {
      Agg a = e.getValue();
      i = e.getKey().bind(ps, i);
      ps.setLong(i++, mirrorId);
      if (counters) {
        ps.setLong(i++, a.downloads());
        ps.setLong(i++, a.bytes());
        ps.setLong(i++, a.bots());
      }
      ps.setBytes(i++, sketches.get(e.getKey()));
      return i;
    });
    if (memory != null) {
      for (int n = 0; n < keys.size(); n++) {
        RowKey k = keys.get(n);
        memory.wrote(which, mirrorId, k.granularity(), k.periodStart(), hashes[n]);
      }
    }
  }

  private static final List<String> KEY =
      List.of("granularity", "project", "period_start", "artifact", "type", "protocol", "mirror_id");

  private static final MultiRow.Upsert STATS = new MultiRow.Upsert("stats", KEY,
      List.of("downloads", "bytes", "bot_requests", "sketch"),
      MultiRow.Upsert.adding("stats", "downloads", "bytes", "bot_requests") + ", sketch = excluded.sketch");

  /** WEEK and MONTH rows carry no counters (SPEC §11.13). */
  private static final MultiRow.Upsert WINDOW_SKETCHES = new MultiRow.Upsert("window_sketches", KEY,
      List.of("sketch"), "sketch = excluded.sketch");
}
