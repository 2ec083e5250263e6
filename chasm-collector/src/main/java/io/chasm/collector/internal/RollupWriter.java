package io.chasm.collector.internal;

import io.chasm.collector.internal.StatsRows.Agg;
import io.chasm.collector.internal.StatsRows.RowKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;

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
 * the WEEK and MONTH rows (each keyed with that window's own secret). Each table gets one
 * multi-row statement per batch ({@link MultiRow}); sketches are united here, per key, first.
 */
public final class RollupWriter {
  /** Marks "all types" or "all protocols" in roll_mirror (real ones are never empty). */
  public static final String ALL = "";

  /** Shards of roll_project (see V2__rollups.sql). */
  public static final int SHARDS = 8;

  private static final String[] COUNTERS = {"downloads", "bytes", "bot_requests"};

  private static final MultiRow.Upsert ROLL_MIRROR = new MultiRow.Upsert("roll_mirror",
      List.of("kind", "period_start", "project", "type", "protocol", "mirror_id"),
      List.of("downloads", "bytes", "bot_requests", "sketch", "uniq"),
      MultiRow.Upsert.adding("roll_mirror", COUNTERS) + ", sketch = excluded.sketch, uniq = excluded.uniq");

  private static final MultiRow.Upsert ROLL_PROJECT = new MultiRow.Upsert("roll_project",
      List.of("kind", "project", "period_start", "type", "protocol", "shard"),
      List.of("downloads", "bytes", "bot_requests", "uniq"),
      MultiRow.Upsert.adding("roll_project", "downloads", "bytes", "bot_requests", "uniq"));

  private static final MultiRow.Upsert ROLL_ARTIFACT = new MultiRow.Upsert("roll_artifact",
      List.of("kind", "period_start", "project", "artifact", "type", "protocol"),
      List.of("downloads", "bytes", "bot_requests", "uniq"),
      MultiRow.Upsert.adding("roll_artifact", "downloads", "bytes", "bot_requests", "uniq"));

  private RollupWriter() {}

  /** A stats row as merged: its key, what the batch added, and how much its estimate grew. */
  public record Merged(RowKey key, Agg added, long uniqGrown) {}

  private record ArtifactKey(int kind, long start, String project, String artifact, String type, String protocol) {}

  private record MirrorKey(int kind, long start, String project, String type, String protocol) {

    int bind(PreparedStatement ps, int i) throws SQLException {
      ps.setInt(i++, kind);
      ps.setLong(i++, start);
      ps.setString(i++, project);
      ps.setString(i++, type);
      ps.setString(i++, protocol);
      return i;
    }

    boolean all() {
      return type.equals(ALL) && protocol.equals(ALL);
    }

    long hash() {
      return RollMemory.hash(kind, start, project, type, protocol);
    }

    /** The "all types, all protocols" key of the same window and project. */
    MirrorKey allOf() {
      return new MirrorKey(kind, start, project, ALL, ALL);
    }
  }

  private static final class Sum {
    long downloads;
    long bytes;
    long bots;
    long uniq;
    /** roll_mirror only: the stored row's estimate after the merge. */
    long total;
    final List<HllSketch> sketches = new ArrayList<>();

    void add(Agg a) {
      downloads += a.downloads();
      bytes += a.bytes();
      bots += a.bots();
    }

    int bindCounters(PreparedStatement ps, int i) throws SQLException {
      ps.setLong(i++, downloads);
      ps.setLong(i++, bytes);
      ps.setLong(i++, bots);
      return i;
    }
  }

  /** One window a merged row adds to: its counters go in when {@code counters}, its sketch when {@code sketch}. */
  @FunctionalInterface
  private interface WindowVisitor {
    void visit(int kind, long start, boolean counters, boolean sketch);
  }

  /**
   * The windows a stats row adds to: a DAY row's counters to its day, week and month, its sketch
   * to its day only; a WEEK or MONTH row's sketch to its own window.
   */
  private static void windows(RowKey k, WindowVisitor v) {
    int g = k.granularity();
    if (g == Windows.DAY) {
      for (int kind = Windows.DAY; kind <= Windows.MONTH; kind++) {
        v.visit(kind, Windows.startOf(kind, k.periodStart()), true, kind == Windows.DAY);
      }
    } else if (g == Windows.WEEK || g == Windows.MONTH) {
      v.visit(g, k.periodStart(), false, true);
    }
  }

  /** What one batch added to the project rollup: per key, counters and the growth of the mirror's figure. */
  public static final class ProjectDelta {
    private final Map<MirrorKey, Sum> sums;
    private final int shard;

    private ProjectDelta(long mirrorId, Map<MirrorKey, Sum> sums) {
      this.shard = Math.floorMod(mirrorId, SHARDS);
      this.sums = sums;
    }
  }

  /**
   * Updates the per-mirror rollup (written only by the roll in progress of the mirror's shard, see
   * {@link Roller}, or the backfill under the mirror's lock) and returns what the project rollup must add, for {@link
   * #applyShared}.
   */
  public static ProjectDelta applyMirror(Connection c, long mirrorId, List<Merged> rows) throws SQLException {
    return applyMirror(c, mirrorId, rows, null);
  }

  /** As {@link #applyMirror(Connection, long, List)}, probing only the rows {@code memory} (if any) cannot rule out. */
  static ProjectDelta applyMirror(Connection c, long mirrorId, List<Merged> rows, RollMemory memory)
      throws SQLException {
    // Summed in a hash map (a batch adds to each key dozens of times). A row's sketch goes into its
    // type's and its protocol's union; the "all" union is built from the type unions after, which
    // is the same set of clients for a third less union work.
    Map<MirrorKey, Sum> sums = new HashMap<>();
    for (Merged m : rows) {
      RowKey k = m.key();
      HllSketch sketch = m.added().sketch();
      windows(k, (kind, start, counters, withSketch) -> {
        for (MirrorKey mk : mirrorKeys(kind, start, k)) {
          Sum s = sums.computeIfAbsent(mk, x -> new Sum());
          if (counters) {
            s.add(m.added());
          }
          if (withSketch && sketch != null && !mk.all()) {
            s.sketches.add(sketch);
          }
        }
      });
    }
    ProjectDelta delta = new ProjectDelta(mirrorId, sums);
    if (sums.isEmpty()) {
      return delta;
    }
    Map<MirrorKey, HllSketch> unions = new HashMap<>();
    sums.forEach((k, s) -> {
      if (k.protocol.equals(ALL) && !k.type.equals(ALL)) {
        HllSketch u = Sketches.uniteForMore(s.sketches);
        unions.put(k, u);
        if (u != null) {
          sums.get(k.allOf()).sketches.add(u);
        }
      }
    });
    sums.forEach((k, s) -> {
      if (!unions.containsKey(k)) {
        unions.put(k, Sketches.uniteForMore(s.sketches));
      }
    });
    List<MirrorKey> unknown = new ArrayList<>(sums.size());
    for (MirrorKey k : sums.keySet()) {
      if (memory == null || !memory.knownAbsent(c, RollMemory.Table.ROLL_MIRROR, mirrorId, k.kind, k.start, k.hash())) {
        unknown.add(k);
      }
    }
    Map<MirrorKey, byte[]> old = new HashMap<>();
    MultiRow.selectIn(c, "SELECT kind, period_start, project, type, protocol, sketch FROM roll_mirror"
        + " WHERE mirror_id = ? AND (kind, period_start, project, type, protocol) IN", mirrorId, 5,
        unknown, (ps, i, k) -> k.bind(ps, i),
        rs -> old.put(new MirrorKey(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)),
            rs.getBytes(6)));
    Map<MirrorKey, byte[]> stored = new HashMap<>();
    sums.forEach((k, s) -> {
      HllSketch mine = unions.get(k);
      HllSketch before = Sketches.parsed(old.get(k));
      // Unions here stay HLL_8 until this one conversion to what is stored (Sketches.asStored).
      HllSketch merged = Sketches.asStored(
          before == null ? mine : mine == null ? before : Sketches.uniteForMore(List.of(before, mine)));
      stored.put(k, Sketches.bytes(merged));
      s.total = Sketches.estimate(merged);
      s.uniq = s.total - Sketches.estimate(before);
    });
    MultiRow.upsert(c, ROLL_MIRROR, sums, (ps, i, e) -> {
      i = e.getKey().bind(ps, i);
      ps.setLong(i++, mirrorId);
      i = e.getValue().bindCounters(ps, i);
      ps.setBytes(i++, stored.get(e.getKey()));
      ps.setLong(i++, e.getValue().total);
      return i;
    });
    if (memory != null) {
      for (MirrorKey k : sums.keySet()) {
        memory.wrote(RollMemory.Table.ROLL_MIRROR, mirrorId, k.kind, k.start, k.hash());
      }
    }
    return delta;
  }

  /** roll_project's key: a mirror key and the mirror's shard, ordered as the table's primary key. */
  private record ProjectKey(MirrorKey key, int shard) {}

  /**
   * Adds to the rollups shared by all mirrors what the mirrors' {@code rows} and {@code projects}
   * (from {@link #applyMirror}) add, summed first: one upsert per distinct key, however many
   * batches and mirrors a roll folds. Rows go in hash order, not key order: only one roll writes
   * them at a time (a roll takes roll_state's shared row first, {@link Roller}; the backfill runs
   * alone in its migration), so no two writers can lock them in opposite orders, and sorting the
   * keys was a tenth of the roller's CPU.
   */
  public static void applyShared(Connection c, List<Merged> rows, List<ProjectDelta> projects) throws SQLException {
    Map<ProjectKey, Sum> perShard = new HashMap<>();
    for (ProjectDelta d : projects) {
      d.sums.forEach((k, s) -> {
        Sum t = perShard.computeIfAbsent(new ProjectKey(k, d.shard), x -> new Sum());
        t.downloads += s.downloads;
        t.bytes += s.bytes;
        t.bots += s.bots;
        t.uniq += s.uniq;
      });
    }
    MultiRow.upsert(c, ROLL_PROJECT, perShard, (ps, i, e) -> {
      MirrorKey k = e.getKey().key;
      ps.setInt(i++, k.kind);
      ps.setString(i++, k.project);
      ps.setLong(i++, k.start);
      ps.setString(i++, k.type);
      ps.setString(i++, k.protocol);
      ps.setInt(i++, e.getKey().shard);
      i = e.getValue().bindCounters(ps, i);
      ps.setLong(i++, e.getValue().uniq);
      return i;
    });
    Map<ArtifactKey, Sum> hashed = new HashMap<>();
    for (Merged m : rows) {
      RowKey k = m.key();
      windows(k, (kind, start, counters, withSketch) -> {
        Sum s = hashed.computeIfAbsent(
            new ArtifactKey(kind, start, k.project(), k.artifact(), k.type(), k.protocol()), x -> new Sum());
        if (counters) {
          s.add(m.added());
        }
        if (withSketch) {
          s.uniq += m.uniqGrown();
        }
      });
    }
    MultiRow.upsert(c, ROLL_ARTIFACT, hashed, (ps, i, e) -> {
      ArtifactKey k = e.getKey();
      ps.setInt(i++, k.kind);
      ps.setLong(i++, k.start);
      ps.setString(i++, k.project);
      ps.setString(i++, k.artifact);
      ps.setString(i++, k.type);
      ps.setString(i++, k.protocol);
      i = e.getValue().bindCounters(ps, i);
      ps.setLong(i++, e.getValue().uniq);
      return i;
    });
  }

  /**
   * Adds the artifacts of the batch's DAY rows to the catalogue. Insert-only: an artifact seen
   * before is a conflict that locks nothing, so the batches of a day, which share most artifacts,
   * do not queue here (V3__ingest_at_scale.sql).
   */
  public static void catalogue(Connection c, List<Merged> rows) throws SQLException {
    Set<List<String>> seen = new LinkedHashSet<>();
    for (Merged m : rows) {
      if (m.key().granularity() == Windows.DAY) {
        seen.add(List.of(m.key().project(), m.key().artifact()));
      }
    }
    MultiRow.insertIgnoring(c, "artifacts", List.of("project", "artifact"), List.copyOf(seen), (ps, i, p) -> {
      ps.setString(i++, p.get(0));
      ps.setString(i++, p.get(1));
      return i;
    });
  }

  private static List<MirrorKey> mirrorKeys(int kind, long start, RowKey k) {
    return List.of(new MirrorKey(kind, start, k.project(), k.type(), ALL),
        new MirrorKey(kind, start, k.project(), ALL, k.protocol()),
        new MirrorKey(kind, start, k.project(), ALL, ALL));
  }
}
