package io.chasm.collector.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one roller shard knows is not stored, so that its rolls need not ask: most of a roll's
 * probes (the stored rows a batch merges into, read so their sketches can be united) look for rows
 * that do not exist yet, a new day's above all (docs/benchmarks.md, "w7-C").
 *
 * <p>The one property everything rests on: <b>{@link #knownAbsent} answers true only for a key
 * that has no row in its table.</b> A wrong "maybe stored" costs a probe, never a figure. It holds
 * because, per mirror:
 * <ul>
 *   <li>the <em>watermark</em>, per window kind, is the newest window start of the mirror's rows
 *       in {@code roll_mirror} when the shard first needed it. Every {@code stats} DAY row and every
 *       {@code window_sketches} row adds to a {@code roll_mirror} row of its window, in the same
 *       transaction ({@link RollupWriter#applyMirror}, and the backfill), so no row of a newer window
 *       was stored then; read late (after this process wrote some), it is only higher: more probes;
 *   <li>since then, only this shard wrote the mirror's rows, and each key it wrote went into a
 *       Bloom filter of its window (a filter has no false negatives; a write rolled back leaves a key
 *       in it that is not stored, a false positive);
 *   <li>"only this shard wrote": every roll first checks {@code roll_state}, whose {@code rolls}
 *       every roll of every process increments under the row lock it takes first ({@link Roller}).
 *       If any row counts a roll this process did not make (another collector on the database, one
 *       with another number of shards), the shard forgets everything and starts again;
 *   <li>a window whose filter was dropped (memory bound below) is never known again: every start at
 *       or before the newest dropped one is probed.
 * </ul>
 * So a key of a window newer than the mirror's watermark, newer than every dropped filter, and not
 * in its window's filter (or in a window without one, which this shard never wrote) is not stored.
 *
 * <p>Memory is bounded: per table and kind at most {@link #KEPT} windows' filters (the newest),
 * {@link #WIDE_BITS} bits for the per-artifact tables and {@link #NARROW_BITS} for {@code
 * roll_mirror}: at most 9.3 MiB per shard (nine wide and nine narrow filters), and three longs per
 * mirror the shard has seen. A filter that fills up answers "maybe" more often (more probes), never
 * wrongly "absent". Rows' period starts are aligned to their window ({@link BatchIngester} rejects
 * others), so a DAY row's start is its day's.
 */
final class RollMemory {
  /** The tables whose stored rows a roll reads before it writes them. */
  enum Table {
    STATS, WINDOW_SKETCHES, ROLL_MIRROR
  }

  /** Windows kept per table and kind: this one, the last one and one more for late batches. */
  static final int KEPT = 3;
  static final int WIDE_BITS = 1 << 23;
  static final int NARROW_BITS = 1 << 18;
  private static final long NONE = Long.MIN_VALUE;

  private final AtomicLongArray ownRolls;
  private final int ownRow;
  private final int wideBits;
  private final int narrowBits;
  /** Per roll_state row: its rolls not made by this process, when this memory started. */
  private Map<Integer, Long> foreign = Map.of();
  private final Map<Long, long[]> watermarks = new HashMap<>();
  private final Map<Integer, TreeMap<Long, long[]>> filters = new HashMap<>();
  private final Map<Integer, Long> dropped = new HashMap<>();
  private long resets;

  /**
   * @param ownRolls rolls this process committed, per roll_state row id (shared by its shards)
   * @param ownRow this shard's roll_state row
   */
  RollMemory(AtomicLongArray ownRolls, int ownRow) {
    this(ownRolls, ownRow, WIDE_BITS, NARROW_BITS);
  }

  /** With other filter sizes (powers of two, at least 64): tests make them small to see them fill. */
  RollMemory(AtomicLongArray ownRolls, int ownRow, int wideBits, int narrowBits) {
    this.ownRolls = ownRolls;
    this.ownRow = ownRow;
    this.wideBits = wideBits;
    this.narrowBits = narrowBits;
  }

  /**
   * Called in each roll, after its increment of this shard's roll_state row: forgets everything
   * unless every row counts only the rolls this process made since the memory started.
   */
  void check(Connection c) throws SQLException {
    Map<Integer, Long> now = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, rolls FROM roll_state WHERE id > 0");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int id = rs.getInt(1);
        long mine = id < ownRolls.length() ? ownRolls.get(id) : 0;
        // This roll's own increment is not committed yet, so not in ownRolls.
        now.put(id, rs.getLong(2) - mine - (id == ownRow ? 1 : 0));
      }
    }
    if (!now.equals(foreign)) {
      // Another process rolled (or this one's other shard committed between our read and its
      // count: rare, and forgetting is always safe).
      forget();
      foreign = now;
    }
  }

  /** Rolls (checks) that found the memory stale and started it again; for tests and the docs. */
  long resets() {
    return resets;
  }

  private void forget() {
    watermarks.clear();
    filters.clear();
    dropped.clear();
    resets++;
  }

  /**
   * Whether the row of {@code table} with this key (hashed by {@link #hash}) of the mirror's
   * window ({@code kind}, {@code start}) is certainly not stored. HOUR rows are never known.
   */
  boolean knownAbsent(Connection c, Table table, long mirror, int kind, long start, long keyHash)
      throws SQLException {
    if (kind < Windows.DAY || kind > Windows.MONTH) {
      return false;
    }
    if (start <= watermark(c, mirror)[kind - Windows.DAY]) {
      return false;
    }
    int slot = slot(table, kind);
    if (start <= dropped.getOrDefault(slot, NONE)) {
      return false;
    }
    TreeMap<Long, long[]> kept = filters.get(slot);
    long[] bits = kept == null ? null : kept.get(start);
    return bits == null || !mightContain(bits, mix(keyHash, mirror));
  }

  /** Notes a key this roll writes (before or after the statement; a rollback leaves a false "maybe"). */
  void wrote(Table table, long mirror, int kind, long start, long keyHash) {
    if (kind < Windows.DAY || kind > Windows.MONTH) {
      return;
    }
    int slot = slot(table, kind);
    if (start <= dropped.getOrDefault(slot, NONE)) {
      return;
    }
    TreeMap<Long, long[]> kept = filters.computeIfAbsent(slot, s -> new TreeMap<>());
    long[] bits = kept.get(start);
    if (bits == null && kept.size() >= KEPT && start < kept.firstKey()) {
      // A late batch for a window older than all kept: no filter made only to be dropped.
      dropped.merge(slot, start, Math::max);
      return;
    }
    if (bits == null) {
      bits = new long[(table == Table.ROLL_MIRROR ? narrowBits : wideBits) / 64];
      kept.put(start, bits);
      while (kept.size() > KEPT) {
        // The oldest goes (maybe the one just made, for a late batch): its window is probed from now on.
        long old = kept.pollFirstEntry().getKey();
        dropped.merge(slot, old, Math::max);
      }
      bits = kept.get(start);
      if (bits == null) {
        return;
      }
    }
    put(bits, mix(keyHash, mirror));
  }

  private long[] watermark(Connection c, long mirror) throws SQLException {
    long[] w = watermarks.get(mirror);
    if (w != null) {
      return w;
    }
    w = new long[3];
    // roll_mirror_mirror (mirror_id, kind, period_start): three index descents.
    try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT MAX(period_start) FROM roll_mirror WHERE mirror_id = ?"
        + " AND kind = ?), (SELECT MAX(period_start) FROM roll_mirror WHERE mirror_id = ? AND kind = ?),"
        + " (SELECT MAX(period_start) FROM roll_mirror WHERE mirror_id = ? AND kind = ?)")) {
      for (int k = 0; k < 3; k++) {
        ps.setLong(2 * k + 1, mirror);
        ps.setInt(2 * k + 2, Windows.DAY + k);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        for (int k = 0; k < 3; k++) {
          long v = rs.getLong(k + 1);
          w[k] = rs.wasNull() ? NONE : v;
        }
      }
    }
    watermarks.put(mirror, w);
    return w;
  }

  private static int slot(Table table, int kind) {
    return table.ordinal() * 8 + kind;
  }

  /** A 64-bit hash of a key's parts (collisions only make false "maybe"s). */
  static long hash(int granularity, long start, String... parts) {
    long h = 0x9E3779B97F4A7C15L * (granularity + 1) ^ start;
    for (String p : parts) {
      h = Long.rotateLeft(h * 0xBF58476D1CE4E5B9L, 29) ^ p.hashCode() ^ ((long) p.length() << 40);
    }
    return h;
  }

  private static long mix(long h, long mirror) {
    h ^= mirror * 0x94D049BB133111EBL;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  private static boolean mightContain(long[] bits, long h) {
    int mask = bits.length * 64 - 1;
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    for (int i = 0; i < 3; i++) {
      int b = (h1 + i * h2) & mask;
      if ((bits[b >>> 6] & (1L << b)) == 0) {
        return false;
      }
    }
    return true;
  }

  private static void put(long[] bits, long h) {
    int mask = bits.length * 64 - 1;
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    for (int i = 0; i < 3; i++) {
      int b = (h1 + i * h2) & mask;
      bits[b >>> 6] |= 1L << b;
    }
  }
}
