package io.chasm.stats;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;

/**
 * What some log bytes add to the statistics: hour and day rows, countme rows, line totals and the
 * exact byte ranges they come from. One delta becomes one batch. Rows are read in key order so a
 * delta serialises the same way every time.
 *
 * <p>Rows are kept as columns: {@link #row} gives a view of one, and the index methods ({@link
 * #rowIndex}, {@link #add(int, long, long, long)}, {@link #order()}, {@link #periodStart(int)} and the
 * rest) reach them without an object per row, for the step hand-over and the batch encoder.
 */
public final class StatsDelta {
  private final DeltaRows rows = new DeltaRows();
  private long maxHour = Long.MIN_VALUE;
  private final boolean keepHours;

  public StatsDelta() {
    this(true);
  }

  /**
   * @param keepHours false for a delta that only feeds a report: HOUR rows are not kept (only
   *     their latest start is noted), which saves most of a step's memory and time
   */
  public StatsDelta(boolean keepHours) {
    this.keepHours = keepHours;
  }
  private final Map<String, CountmeRow> countme = new TreeMap<>();
  private final RunTotals totals = new RunTotals();
  private final List<Coverage> coverage = new ArrayList<>();
  private long createdUnix;

  /** When the work this delta accounts for was first done (Unix seconds; 0 = not set). */
  public long createdUnix() {
    return createdUnix;
  }

  /** Set from the step's intent record, so that a redone step makes the same batch bytes. */
  public void createdUnix(long unixSeconds) {
    this.createdUnix = unixSeconds;
  }

  /** False when HOUR rows are not kept: callers may then {@link #noteHour} instead of adding them. */
  public boolean keepsHours() {
    return keepHours;
  }

  /** Records an hour that had a row, for a delta that does not keep HOUR rows. */
  public void noteHour(long periodStart) {
    maxHour = Math.max(maxHour, periodStart);
  }

  /** The row for this key, created empty when absent: a view of the delta's columns. */
  public StatsRow row(long periodStart, StatsRow.Granularity g, String project, String artifact,
      String type, String protocol) {
    int i = rowIndex(periodStart, g, -1, project, artifact, type, protocol);
    return i < 0 ? new StatsRow(periodStart, g, project, artifact, type, protocol)
        : new StatsRow(rows, i);
  }

  /**
   * The index of the row for this key, created empty when absent; -1 for an HOUR row of a delta
   * that does not keep hours (its hour is noted). The project is not part of the key: the first
   * one given stays.
   *
   * @param artifactId -1, or a dense id (from 0) the caller gives each distinct (type, artifact)
   *     for the delta's lifetime, which saves looking the strings up again
   */
  public int rowIndex(long periodStart, StatsRow.Granularity g, int artifactId, String project,
      String artifact, String type, String protocol) {
    if (g == StatsRow.Granularity.HOUR && (!keepHours || periodStart > maxHour)) {
      maxHour = Math.max(maxHour, periodStart);
      if (!keepHours) {
        return -1;
      }
    }
    return rows.row(periodStart, g, artifactId, project, artifact, type, protocol);
  }

  /** Adds counts to row {@code i} (see {@link #rowIndex}; -1 is ignored). */
  public void add(int i, long downloads, long bytes, long botRequests) {
    if (i >= 0) {
      rows.add(i, downloads, bytes, botRequests);
    }
  }

  /** Adds a sketch's downloaders to row {@code i}; the sketch is kept, never modified. */
  public void addUniques(int i, HllSketch s) {
    if (i >= 0) {
      rows.addUniques(i, s);
    }
  }

  /**
   * Adds one downloader to row {@code i} (-1 is ignored) as its HLL coupon: the value {@code
   * HllSketch.update(clientHash)} would add, from {@code UniqueSketches.coupon(clientHash)}. A
   * worker hands its downloaders over this way instead of as a sketch per row.
   */
  public void addUniqueCoupon(int i, int coupon) {
    if (i >= 0) {
      rows.addCoupon(i, coupon);
    }
  }

  /**
   * Adds the downloaders {@code pairs[0 .. n)}, each a row index of this delta and an HLL coupon
   * packed by {@code UniqueSketches.pair}, taking the array as it is (no copy): the caller must
   * not use it again. With {@code alsoDay} every pair's row must be an HOUR row whose DAY row
   * exists (see {@link #rowIndex}), and the pair counts for both, as {@link #addUniqueCoupon} on
   * each would; the DAY row's copy is made only when the rows are read. A worker hands a step's
   * downloaders over this way: a copy of them was the largest item of the step end's peak
   * (w7-A).
   *
   * @throws IllegalArgumentException when the rows are read, for a pair taken with {@code alsoDay}
   *     whose row is not an HOUR row with a DAY row
   */
  public void takeUniqueCoupons(long[] pairs, int n, boolean alsoDay) {
    rows.takeCoupons(pairs, n, alsoDay);
  }

  /**
   * Gives row {@code i} (-1 is ignored) a unique-downloader figure without a sketch: {@link
   * #uniqueEstimate(int)} then returns it, and no sketch of the row is read. For a report whose
   * window closed, so that only its figure is kept (w7-A); a batch never carries such a row.
   */
  public void setUniqueEstimate(int i, long estimate) {
    if (i >= 0) {
      rows.setEstimate(i, estimate);
    }
  }

  /** Row i's estimated unique downloaders, rounded; 0 when none. */
  public long uniqueEstimate(int i) {
    return rows.uniqueEstimate(i);
  }

  DeltaRows columns() {
    return rows;
  }

  /** Number of rows. */
  public int size() {
    return rows.size();
  }

  /** Row indexes in key order (period, granularity, protocol, type, artifact). */
  public int[] order() {
    return RowOrder.order(rows);
  }

  public long periodStart(int i) {
    return rows.periodStart(i);
  }

  public StatsRow.Granularity granularity(int i) {
    return rows.granularity(i);
  }

  public String project(int i) {
    return rows.project(i);
  }

  public String artifact(int i) {
    return rows.artifact(i);
  }

  public String type(int i) {
    return rows.type(i);
  }

  public String protocol(int i) {
    return rows.protocol(i);
  }

  /**
   * Row i's artifact slot: rows with one slot have the same artifact and type. Dense, below {@link
   * #slotCount()}, so per-artifact work (e.g. UTF-8 encoding) can be done once per slot.
   */
  public int artifactSlot(int i) {
    return rows.slot(i);
  }

  /**
   * The dense id a caller gave row i's artifact (the {@code artifactId} of {@link #rowIndex}, the
   * latest given for its slot), or -1 when none was: lets a reader keep per-artifact work for a
   * whole run rather than one delta (an encoder's UTF-8, the report's sets). Ids are only unique
   * within the caller's run, so a run-wide cache checks the artifact's name too.
   */
  public int artifactId(int i) {
    return rows.artifactId(i);
  }

  /** Receives the HLL coupons of one row: the low 32 bits of {@code pairs[from .. to)}. */
  @FunctionalInterface
  public interface CouponRun {
    void accept(long[] pairs, int from, int to);
  }

  /**
   * Hands row i's downloaders to {@code run} as the HLL coupons the delta holds for it ({@link
   * #addUniqueCoupon}, {@link #takeUniqueCoupons}, and for a DAY row its HOUR rows'), sorted as
   * unsigned ints and distinct, in place: {@code run} must not change the array or keep it. Not
   * called when the row has none. Sketches given by {@link #addUniques} are not among them. A
   * scan's report reads a step's rows this way, the coupons its batch carries, instead of keeping
   * each download's keyed hashes (w8-B).
   */
  public void uniqueCoupons(int i, CouponRun run) {
    rows.coupons(i, run);
  }

  /** Number of artifact slots (see {@link #artifactSlot}). */
  public int slotCount() {
    return rows.slots();
  }

  /** Row i's protocol as a dense id (rows with one id have the same protocol). */
  public int protocolId(int i) {
    return rows.protocolId(i);
  }

  public long downloads(int i) {
    return rows.downloads(i);
  }

  public long bytes(int i) {
    return rows.bytes(i);
  }

  public long botRequests(int i) {
    return rows.botRequests(i);
  }

  /**
   * Row i's unique downloaders as a batch carries them (SPEC §11.6: a compact HLL_4 image, lgK
   * 12), or null when nobody was counted. Safe to call from several threads once the delta is
   * complete.
   */
  public byte[] uniqueSketch(int i) {
    return rows.uniqueBytes(i);
  }

  /** Row i's unique-downloader sketch, or null when nobody was counted. Do not modify it. */
  public HllSketch uniques(int i) {
    return rows.uniques(i);
  }

  public CountmeRow countme(long weekStart, String project, int bucket, String label) {
    CountmeRow c = new CountmeRow(weekStart, project, bucket, label);
    return countme.computeIfAbsent(c.key(), k -> c);
  }

  public RunTotals totals() {
    return totals;
  }

  public void addCoverage(Coverage c) {
    coverage.add(c);
  }

  /** Coverage in a canonical order (identity bytes, then start). */
  public List<Coverage> coverage() {
    List<Coverage> l = new ArrayList<>(coverage);
    l.sort(Comparator.comparing((Coverage c) -> java.util.HexFormat.of().formatHex(c.fileIdentity()))
        .thenComparingLong(Coverage::start));
    return l;
  }

  /** Rows sorted by period, granularity, protocol, type and artifact (views of the columns). */
  public List<StatsRow> rows() {
    return views(order());
  }

  /** Rows in no particular order (cheaper than {@link #rows()}). */
  public java.util.Collection<StatsRow> unorderedRows() {
    return views(null);
  }

  private List<StatsRow> views(int[] order) {
    int n = rows.size();
    return new AbstractList<>() {
      @Override
      public StatsRow get(int i) {
        return new StatsRow(rows, order == null ? java.util.Objects.checkIndex(i, n) : order[i]);
      }

      @Override
      public int size() {
        return n;
      }
    };
  }

  /** Start of the latest hour with a row, or Long.MIN_VALUE. */
  public long maxHour() {
    return maxHour;
  }

  public List<CountmeRow> countmeRows() {
    return new ArrayList<>(countme.values());
  }

  public boolean isEmpty() {
    return rows.size() == 0 && countme.isEmpty() && totals.linesTotal == 0;
  }

  /** Adds another delta's rows, countme, totals and coverage. */
  public void merge(StatsDelta o) {
    merge(o, null);
  }

  /** Like {@link #merge(StatsDelta)}, taking only rows of the given granularity (null = all). */
  public void merge(StatsDelta o, StatsRow.Granularity only) {
    DeltaRows r = o.rows;
    for (int i = 0; i < r.size(); i++) {
      if (only != null && r.granularity(i) != only) {
        continue;
      }
      int m = rowIndex(r.periodStart(i), r.granularity(i), -1, r.project(i), r.artifact(i),
          r.type(i), r.protocol(i));
      add(m, r.downloads(i), r.bytes(i), r.botRequests(i));
      if (r.hasEstimate(i)) {
        setUniqueEstimate(m, r.uniqueEstimate(i));
      } else {
        addUniques(m, r.uniques(i));
      }
    }
    for (CountmeRow c : o.countme.values()) {
      countme(c.weekStart, c.project, c.ageBucket, c.label).add(c.systems);
    }
    totals.add(o.totals);
    coverage.addAll(o.coverage);
  }
}
