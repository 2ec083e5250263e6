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
  private final Map<String, StatsRow> rows = new TreeMap<>();
  private final Map<String, CountmeRow> countme = new TreeMap<>();
  private final RunTotals totals = new RunTotals();
  private final List<Coverage> coverage = new ArrayList<>();

  /** The row for this key, created empty when absent. */
  public StatsRow row(long periodStart, StatsRow.Granularity g, String project, String artifact,
      String type, String protocol) {
    String k = StatsRow.key(periodStart, g, artifact, protocol, type);
    StatsRow r = rows.get(k);
    if (r == null) {
      r = new StatsRow(periodStart, g, project, artifact, type, protocol);
      rows.put(k, r);
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

  public List<StatsRow> rows() {
    return new ArrayList<>(rows.values());
  }

  public List<CountmeRow> countmeRows() {
    return new ArrayList<>(countme.values());
  }

  public boolean isEmpty() {
    return rows.isEmpty() && countme.isEmpty() && totals.linesTotal == 0;
  }

  /** Adds another delta's rows, countme, totals and coverage. */
  public void merge(StatsDelta o) {
    for (StatsRow r : o.rows.values()) {
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
