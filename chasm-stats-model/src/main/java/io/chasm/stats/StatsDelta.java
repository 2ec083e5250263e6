package io.chasm.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What some log bytes add to the statistics: hour and day rows, countme rows, line totals and the
 * exact byte ranges they come from. One delta becomes one batch. Rows are kept sorted by key so a
 * delta serialises the same way every time.
 */
public final class StatsDelta {
  private final Map<StatsRow.Key, StatsRow> rows = new java.util.HashMap<>();
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

  /** The row for this key, created empty when absent. */
  public StatsRow row(long periodStart, StatsRow.Granularity g, String project, String artifact,
      String type, String protocol) {
    if (!keepHours && g == StatsRow.Granularity.HOUR) {
      maxHour = Math.max(maxHour, periodStart);
      return new StatsRow(periodStart, g, project, artifact, type, protocol);
    }
    StatsRow.Key k = new StatsRow.Key(periodStart, g, protocol, type, artifact);
    StatsRow r = rows.get(k);
    if (r == null) {
      r = new StatsRow(periodStart, g, project, artifact, type, protocol);
      rows.put(k, r);
      if (g == StatsRow.Granularity.HOUR && periodStart > maxHour) {
        maxHour = periodStart;
      }
    }
    return r;
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

  /** Rows sorted by period, granularity, protocol, type and artifact. */
  public List<StatsRow> rows() {
    return RowOrder.sorted(rows.values());
  }

  /** Rows in no particular order (cheaper than {@link #rows()}). */
  public java.util.Collection<StatsRow> unorderedRows() {
    return java.util.Collections.unmodifiableCollection(rows.values());
  }

  /** Start of the latest hour with a row, or Long.MIN_VALUE. */
  public long maxHour() {
    return maxHour;
  }

  public List<CountmeRow> countmeRows() {
    return new ArrayList<>(countme.values());
  }

  public boolean isEmpty() {
    return rows.isEmpty() && countme.isEmpty() && totals.linesTotal == 0;
  }

  /** Adds another delta's rows, countme, totals and coverage. */
  public void merge(StatsDelta o) {
    merge(o, null);
  }

  /** Like {@link #merge(StatsDelta)}, taking only rows of the given granularity (null = all). */
  public void merge(StatsDelta o, StatsRow.Granularity only) {
    for (StatsRow r : o.rows.values()) {
      if (only != null && r.granularity != only) {
        continue;
      }
      StatsRow m = row(r.periodStart, r.granularity, r.project, r.artifact, r.type, r.protocol);
      m.add(r.downloads, r.bytes, r.botRequests);
      m.addUniques(r.uniques());
    }
    for (CountmeRow c : o.countme.values()) {
      countme(c.weekStart, c.project, c.ageBucket, c.label).add(c.systems);
    }
    totals.add(o.totals);
    coverage.addAll(o.coverage);
  }
}
