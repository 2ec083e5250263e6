package io.chasm.collector.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sketches one roller shard last wrote into its mirrors' rows of the open windows, parsed, so
 * that the next roll merging into such a row neither probes it nor parses it again (a mirror's
 * union in {@code roll_mirror} is an HLL_4 image of about 2 KB; docs/benchmarks.md, "w8-C").
 *
 * <p>The one property: <b>{@link #get} returns a sketch only if it is, in every figure and byte a
 * roll derives from it, what parsing the row's stored sketch would give</b>. It holds because an
 * entry is made only from a write of a roll that committed ({@link #committed}; a roll that failed
 * drops everything, since a failed commit may still have committed), and because the shard's
 * {@link RollMemory} clears this whenever {@code roll_state} shows a roll this process did not make
 * (then another writer may have changed the rows). A killed collector starts empty. What is kept
 * for a row is {@link Sketch#reusable}: the sketch written, or its image parsed again where the
 * two could differ.
 *
 * <p>Bounded: per table at most its budget in bytes (estimated), and per table and window kind the
 * {@link RollMemory#KEPT} newest window starts (older windows' entries go when a newer one comes).
 * A write that does not fit is not kept, and removes the row's older entry: a cyclic pass over more
 * mirrors than fit keeps the ones kept first rather than replacing each before its next use.
 */
final class StoredUnions {
  /**
   * Default budget of roll_mirror's sketches per shard, bytes: 0, none kept. Measured with 48 MiB
   * (about 20,000 mirror unions of lgK 12) at 30 days: PostgreSQL's CPU per batch did not move and
   * the JVM's rose 3-15% (docs/benchmarks.md, "w8-C"), so it is there to be turned on and measured
   * where batches come back to the same rows more often (agents sending several batches a day).
   */
  static final long DEFAULT_BUDGET = 0;
  /** System property: that budget (0: keep none, probe as before w8-C). */
  static final String BUDGET_PROPERTY = "chasm.collector.roll-cache-bytes";
  /**
   * System property: the budget of window_sketches' sketches per shard, bytes; default 0 (none):
   * with one batch per mirror and day and 100 of 10,000 artifacts per batch, few rows come back
   * within their week or month, and keeping 200 per batch cost the JVM more than the probes it saved
   * (docs/benchmarks.md, "w8-C").
   */
  static final String WINDOW_BUDGET_PROPERTY = "chasm.collector.window-cache-bytes";

  private final long budget;
  private final long windowBudget;
  private final Map<Key, Object> entries = new HashMap<>();
  private final Map<Integer, Long> used = new HashMap<>();
  /** Per table and kind (the slot), the keys of each kept window start. */
  private final Map<Integer, TreeMap<Long, Set<Key>>> windows = new HashMap<>();
  /** This roll's writes, kept once it commits. */
  private final Map<Key, Object> staged = new HashMap<>();
  private long hits;

  /** A row of a table: its mirror, window and key within them (a record of the table's own key). */
  record Key(RollMemory.Table table, long mirror, int kind, long start, Object key) {
    int slot() {
      return table.ordinal() * 8 + kind;
    }
  }

  /** Keeps up to {@code budget} bytes of roll_mirror's sketches and {@code windowBudget} of window_sketches'. */
  StoredUnions(long budget, long windowBudget) {
    this.budget = budget;
    this.windowBudget = windowBudget;
  }

  /** Whether rows of {@code table} are kept at all (if not, a roll need not note them). */
  boolean keeps(RollMemory.Table table) {
    return budgetOf(table) > 0;
  }

  private long budgetOf(RollMemory.Table table) {
    return table == RollMemory.Table.ROLL_MIRROR ? budget : table == RollMemory.Table.WINDOW_SKETCHES ? windowBudget : 0;
  }

  /** The row's sketch as the last committed roll of this shard wrote it, or null (probe it). */
  Sketch get(Key k) {
    Object v = entries.get(k);
    if (v == null) {
      return null;
    }
    hits++;
    return v instanceof Sketch s ? s : Sketch.of((byte[]) v);
  }

  /** A roll (or a retry of one, {@code Database.inTransaction}) starts: nothing of an earlier attempt is staged. */
  void begin() {
    staged.clear();
  }

  /**
   * Notes what this roll writes into the row (kept if the roll commits): {@code s} (null: no
   * sketch) and its stored image. Most images are kept as bytes, parsed only if a later roll uses
   * them (a row's next merge is the exception for most per-artifact rows); an HLL sketch that a
   * parse would give back the same is kept parsed.
   */
  void wrote(Key k, Sketch s, byte[] image) {
    staged.put(k, s == null ? NONE : s.reusableFor(image) ? s : image);
  }

  private static final Object NONE = new Object();

  /** The roll committed: its writes replace what was kept for their rows. */
  void committed() {
    for (Map.Entry<Key, Object> e : staged.entrySet()) {
      Key k = e.getKey();
      remove(k);
      Object s = e.getValue();
      if (s == NONE || k.kind() < Windows.DAY || k.kind() > Windows.MONTH) {
        continue;
      }
      TreeMap<Long, Set<Key>> starts = windows.computeIfAbsent(k.slot(), x -> new TreeMap<>());
      if (!starts.containsKey(k.start()) && starts.size() >= RollMemory.KEPT) {
        if (k.start() < starts.firstKey()) {
          continue; // a late batch's window, older than every kept one
        }
        for (Key old : starts.pollFirstEntry().getValue()) {
          drop(old);
        }
      }
      long size = footprint(s);
      long now = used.getOrDefault(k.table().ordinal(), 0L);
      if (now + size > budgetOf(k.table())) {
        continue;
      }
      used.put(k.table().ordinal(), now + size);
      entries.put(k, s);
      starts.computeIfAbsent(k.start(), x -> new HashSet<>()).add(k);
    }
    staged.clear();
  }

  /** The roll failed (rolled back, or its commit's outcome is unknown): nothing kept is trusted. */
  void failed() {
    staged.clear();
    forget();
  }

  void forget() {
    entries.clear();
    used.clear();
    windows.clear();
    staged.clear();
  }

  /** Rows answered from memory since the start; for tests and the docs. */
  long hits() {
    return hits;
  }

  int size() {
    return entries.size();
  }

  private void remove(Key k) {
    if (entries.containsKey(k)) {
      Set<Key> keys = windows.get(k.slot()).get(k.start());
      keys.remove(k);
      drop(k);
    }
  }

  private void drop(Key k) {
    Object s = entries.remove(k);
    if (s != null) {
      used.merge(k.table().ordinal(), -footprint(s), Long::sum);
    }
  }

  /** Heap bytes of an entry, roughly: its value, and its key, map node and window set entry. */
  private static long footprint(Object v) {
    return 160 + (v instanceof Sketch s ? s.footprint() : 16 + ((byte[]) v).length);
  }
}
