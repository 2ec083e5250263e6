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
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps the rollup tables in step with {@code stats}, in the transaction that merged the rows:
 * <ul>
 *   <li>{@code roll_artifact}: per window (day, ISO week, month), project, artifact, type and
 *       protocol, summed over mirrors; {@code uniq} is the sum of each mirror's figure for the
 *       window (mirrors hash clients with different secrets, so their sketches cannot be united).
 *   <li>{@code roll_mirror}: per window, project and mirror, over all artifacts, once per type
 *       (protocol {@code ''}), once per protocol (type {@code ''}) and once for all (both {@code
 *       ''}); it keeps the mirror's sketch union, so its {@code uniq} counts a client once per
 *       window.
 *   <li>{@code roll_project}: roll_mirror summed over mirrors (in shards, see V2__rollups.sql).
 * </ul>
 * Counters of week and month rows are sums of the DAY rows in them; their uniques come only from
 * the WEEK and MONTH rows (each keyed with that window's own secret).
 */
public final class RollupWriter {
  /** Marks "all types" or "all protocols" in roll_mirror (real ones are never empty). */
  public static final String ALL = "";

  private RollupWriter() {}

  /** A stats row as merged: its key, what the batch added, and how much its estimate grew. */
  public record Merged(RowKey key, Agg added, long uniqGrown) {}

  private record ArtifactKey(int kind, long start, String project, String artifact, String type, String protocol)
      implements Comparable<ArtifactKey> {
    @Override
    public int compareTo(ArtifactKey o) {
      int c = Integer.compare(kind, o.kind);
      if (c == 0) c = Long.compare(start, o.start);
      if (c == 0) c = project.compareTo(o.project);
      if (c == 0) c = artifact.compareTo(o.artifact);
      if (c == 0) c = type.compareTo(o.type);
      if (c == 0) c = protocol.compareTo(o.protocol);
      return c;
    }
  }

  private record MirrorKey(int kind, long start, String project, String type, String protocol)
      implements Comparable<MirrorKey> {
    @Override
    public int compareTo(MirrorKey o) {
      int c = Integer.compare(kind, o.kind);
      if (c == 0) c = Long.compare(start, o.start);
      if (c == 0) c = project.compareTo(o.project);
      if (c == 0) c = type.compareTo(o.type);
      if (c == 0) c = protocol.compareTo(o.protocol);
      return c;
    }
  }

  private static final class Sum {
    long downloads;
    long bytes;
    long bots;
    long uniq;
    final List<byte[]> sketches = new ArrayList<>();
  }

  /** What one batch added to the project rollup: per key, counters and the growth of the mirror's figure. */
  public static final class ProjectDelta {
    private final TreeMap<MirrorKey, Sum> sums = new TreeMap<>();
    private final int shard;

    ProjectDelta(long mirrorId) {
      this.shard = (int) Math.floorMod(mirrorId, SHARDS);
    }
  }

  /** Shards of roll_project (see V2__rollups.sql). */
  public static final int SHARDS = 8;

  /**
   * Updates the per-mirror rollup (private to this mirror: no lock is shared with others) and
   * returns what the project rollup must add, for {@link #applyShared}.
   */
  public static ProjectDelta applyMirror(Connection c, Dialect dialect, long mirrorId, List<Merged> rows)
      throws SQLException {
    ProjectDelta delta = new ProjectDelta(mirrorId);
    TreeMap<MirrorKey, Sum> sums = new TreeMap<>();
    for (Merged m : rows) {
      RowKey k = m.key();
      Agg a = m.added();
      int g = k.granularity();
      if (g == Windows.DAY) {
        for (int kind = Windows.DAY; kind <= Windows.MONTH; kind++) {
          long start = Windows.startOf(kind, k.periodStart());
          for (MirrorKey mk : mirrorKeys(kind, start, k)) {
            Sum s = sums.computeIfAbsent(mk, x -> new Sum());
            s.downloads += a.downloads();
            s.bytes += a.bytes();
            s.bots += a.bots();
            if (kind == Windows.DAY && a.sketch() != null && a.sketch().length > 0) {
              s.sketches.add(a.sketch());
            }
          }
        }
      } else if (g == Windows.WEEK || g == Windows.MONTH) {
        for (MirrorKey mk : mirrorKeys(g, k.periodStart(), k)) {
          Sum s = sums.computeIfAbsent(mk, x -> new Sum());
          if (a.sketch() != null && a.sketch().length > 0) {
            s.sketches.add(a.sketch());
          }
        }
      }
    }
    if (sums.isEmpty()) {
      return delta;
    }
    List<Map.Entry<MirrorKey, Sum>> entries = new ArrayList<>(sums.entrySet());
    List<byte[]> unions = new ArrayList<>();
    int[] inserted;
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO roll_mirror (kind, period_start, project, type, protocol, mirror_id, downloads, bytes, bot_requests,"
            + " sketch, uniq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (kind, period_start, project, type, protocol, mirror_id) DO NOTHING")) {
      for (var e : entries) {
        MirrorKey k = e.getKey();
        Sum s = e.getValue();
        byte[] u = Sketches.union(s.sketches);
        unions.add(u);
        int i = bindMirror(ins, k, mirrorId);
        ins.setLong(i++, s.downloads);
        ins.setLong(i++, s.bytes);
        ins.setLong(i++, s.bots);
        ins.setBytes(i++, u);
        ins.setLong(i, Sketches.estimate(u));
        ins.addBatch();
      }
      inserted = ins.executeBatch();
    }
    String where = " WHERE kind = ? AND period_start = ? AND project = ? AND type = ? AND protocol = ? AND mirror_id = ?";
    for (int n = 0; n < entries.size(); n++) {
      MirrorKey k = entries.get(n).getKey();
      Sum s = entries.get(n).getValue();
      delta.sums.put(k, s);
      if (inserted[n] != 0) {
        s.uniq = Sketches.estimate(unions.get(n));
        continue;
      }
      byte[] old;
      try (PreparedStatement sel = c.prepareStatement("SELECT sketch FROM roll_mirror" + where + dialect.forUpdate())) {
        bindMirror(sel, k, mirrorId);
        try (ResultSet rs = sel.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("rollup row vanished during merge", "40001");
          }
          old = rs.getBytes(1);
        }
      }
      byte[] merged = Sketches.merge(old, unions.get(n));
      s.uniq = Sketches.estimate(merged) - Sketches.estimate(old);
      try (PreparedStatement up = c.prepareStatement("UPDATE roll_mirror SET downloads = downloads + ?,"
          + " bytes = bytes + ?, bot_requests = bot_requests + ?, sketch = ?, uniq = ?" + where)) {
        up.setLong(1, s.downloads);
        up.setLong(2, s.bytes);
        up.setLong(3, s.bots);
        up.setBytes(4, merged == null || merged.length == 0 ? null : merged);
        up.setLong(5, Sketches.estimate(merged));
        bindMirror(up, k, mirrorId, 6);
        up.executeUpdate();
      }
    }
    return delta;
  }

  /**
   * Adds to the rollup shared by all mirrors. Callers run it last in the transaction: its rows are
   * the ones other mirrors' batches wait for, so they are locked for the shortest time, in key
   * order (no deadlock between two batches).
   */
  public static void applyShared(Connection c, List<Merged> rows, ProjectDelta project) throws SQLException {
    if (!project.sums.isEmpty()) {
      try (PreparedStatement up = c.prepareStatement(
          "INSERT INTO roll_project (kind, period_start, project, type, protocol, shard, downloads, bytes, bot_requests,"
              + " uniq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
              + " ON CONFLICT (kind, project, period_start, type, protocol, shard) DO UPDATE SET"
              + " downloads = roll_project.downloads + excluded.downloads, bytes = roll_project.bytes + excluded.bytes,"
              + " bot_requests = roll_project.bot_requests + excluded.bot_requests,"
              + " uniq = roll_project.uniq + excluded.uniq")) {
        for (var e : project.sums.entrySet()) {
          MirrorKey k = e.getKey();
          Sum s = e.getValue();
          up.setInt(1, k.kind);
          up.setLong(2, k.start);
          up.setString(3, k.project);
          up.setString(4, k.type);
          up.setString(5, k.protocol);
          up.setInt(6, project.shard);
          up.setLong(7, s.downloads);
          up.setLong(8, s.bytes);
          up.setLong(9, s.bots);
          up.setLong(10, s.uniq);
          up.addBatch();
        }
        up.executeBatch();
      }
    }
    TreeMap<ArtifactKey, Sum> sums = new TreeMap<>();
    for (Merged m : rows) {
      RowKey k = m.key();
      Agg a = m.added();
      int g = k.granularity();
      if (g == Windows.DAY) {
        for (int kind = Windows.DAY; kind <= Windows.MONTH; kind++) {
          Sum s = sums.computeIfAbsent(artifactKey(kind, Windows.startOf(kind, k.periodStart()), k), x -> new Sum());
          s.downloads += a.downloads();
          s.bytes += a.bytes();
          s.bots += a.bots();
          if (kind == Windows.DAY) {
            s.uniq += m.uniqGrown();
          }
        }
      } else if (g == Windows.WEEK || g == Windows.MONTH) {
        sums.computeIfAbsent(artifactKey(g, k.periodStart(), k), x -> new Sum()).uniq += m.uniqGrown();
      }
    }
    if (sums.isEmpty()) {
      return;
    }
    catalogue(c, rows);
    try (PreparedStatement up = c.prepareStatement(
        "INSERT INTO roll_artifact (kind, period_start, project, artifact, type, protocol, downloads, bytes, bot_requests,"
            + " uniq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (kind, period_start, project, artifact, type, protocol) DO UPDATE SET"
            + " downloads = roll_artifact.downloads + excluded.downloads, bytes = roll_artifact.bytes + excluded.bytes,"
            + " bot_requests = roll_artifact.bot_requests + excluded.bot_requests, uniq = roll_artifact.uniq + excluded.uniq")) {
      for (var e : sums.entrySet()) {
        ArtifactKey k = e.getKey();
        Sum s = e.getValue();
        up.setInt(1, k.kind);
        up.setLong(2, k.start);
        up.setString(3, k.project);
        up.setString(4, k.artifact);
        up.setString(5, k.type);
        up.setString(6, k.protocol);
        up.setLong(7, s.downloads);
        up.setLong(8, s.bytes);
        up.setLong(9, s.bots);
        up.setLong(10, s.uniq);
        up.addBatch();
      }
      up.executeBatch();
    }
  }

  /** Widens each artifact's [first_day, last_day] to the batch's DAY rows (rows in key order). */
  private static void catalogue(Connection c, List<Merged> rows) throws SQLException {
    TreeMap<List<String>, long[]> days = new TreeMap<>((a, b) -> {
      int x = a.get(0).compareTo(b.get(0));
      return x != 0 ? x : a.get(1).compareTo(b.get(1));
    });
    for (Merged m : rows) {
      if (m.key().granularity() == Windows.DAY) {
        long d = m.key().periodStart();
        long[] span = days.computeIfAbsent(List.of(m.key().project(), m.key().artifact()), k -> new long[] {d, d});
        span[0] = Math.min(span[0], d);
        span[1] = Math.max(span[1], d);
      }
    }
    if (days.isEmpty()) {
      return;
    }
    try (PreparedStatement up = c.prepareStatement(
        "INSERT INTO artifacts (project, artifact, first_day, last_day) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (project, artifact) DO UPDATE SET"
            + " first_day = CASE WHEN excluded.first_day < artifacts.first_day THEN excluded.first_day"
            + " ELSE artifacts.first_day END,"
            + " last_day = CASE WHEN excluded.last_day > artifacts.last_day THEN excluded.last_day"
            + " ELSE artifacts.last_day END"
            + " WHERE excluded.first_day < artifacts.first_day OR excluded.last_day > artifacts.last_day")) {
      for (var e : days.entrySet()) {
        up.setString(1, e.getKey().get(0));
        up.setString(2, e.getKey().get(1));
        up.setLong(3, e.getValue()[0]);
        up.setLong(4, e.getValue()[1]);
        up.addBatch();
      }
      up.executeBatch();
    }
  }

  private static ArtifactKey artifactKey(int kind, long start, RowKey k) {
    return new ArtifactKey(kind, start, k.project(), k.artifact(), k.type(), k.protocol());
  }

  private static List<MirrorKey> mirrorKeys(int kind, long start, RowKey k) {
    return List.of(new MirrorKey(kind, start, k.project(), k.type(), ALL),
        new MirrorKey(kind, start, k.project(), ALL, k.protocol()),
        new MirrorKey(kind, start, k.project(), ALL, ALL));
  }

  private static int bindMirror(PreparedStatement ps, MirrorKey k, long mirrorId) throws SQLException {
    return bindMirror(ps, k, mirrorId, 1);
  }

  private static int bindMirror(PreparedStatement ps, MirrorKey k, long mirrorId, int i) throws SQLException {
    ps.setInt(i++, k.kind);
    ps.setLong(i++, k.start);
    ps.setString(i++, k.project);
    ps.setString(i++, k.type);
    ps.setString(i++, k.protocol);
    ps.setLong(i++, mirrorId);
    return i;
  }
}
