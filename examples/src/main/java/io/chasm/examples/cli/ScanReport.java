package io.chasm.examples.cli;

import io.chasm.stats.CountmeRow;
import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.RunTotals;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import io.chasm.stats.WindowUniques;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-artifact view of a scan's summary. Every unique-downloader figure names its window (day,
 * ISO week, month): each window has its own secret, so a figure over a whole run would count a
 * returning client once per day.
 */
final class ScanReport {
  static final class Art {
    String project, artifact, type, protocol;
    long downloads, bytes, bots;
    // Month index -> unique downloaders of the artifact that month.
    final TreeMap<Long, Long> monthly = new TreeMap<>();
  }

  final List<Art> artifacts = new ArrayList<>();
  long downloads;

  // The summary has one period-0 DAY row per (protocol, type, artifact), one Art per row, and
  // MONTH rows with the artifact's uniques per month.
  static ScanReport of(LogScanner.Result r) {
    ScanReport rep = new ScanReport();
    Map<String, Art> byKey = new java.util.HashMap<>();
    List<StatsRow> months = new ArrayList<>();
    for (StatsRow row : r.summary.unorderedRows()) {
      if (row.granularity == StatsRow.Granularity.MONTH) {
        months.add(row);
        continue;
      }
      Art a = new Art();
      a.project = row.project;
      a.artifact = row.artifact;
      a.type = row.type;
      a.protocol = row.protocol;
      a.downloads = row.downloads();
      a.bytes = row.bytes();
      a.bots = row.botRequests();
      rep.downloads += row.downloads();
      rep.artifacts.add(a);
      byKey.put(key(row), a);
    }
    for (StatsRow m : months) {
      Art a = byKey.get(key(m));
      if (a != null) {
        a.monthly.put(Window.MONTH.indexOfDay(m.periodStart / 86400), m.uniqueEstimate());
      }
    }
    rep.artifacts.sort(Comparator.comparingLong((Art a) -> -a.downloads)
        .thenComparingLong(a -> -a.bytes).thenComparing(a -> a.artifact)
        .thenComparing(a -> a.protocol).thenComparing(a -> a.type));
    return rep;
  }

  private static String key(StatsRow row) {
    return row.protocol + '\0' + row.type + '\0' + row.artifact;
  }

  static Map<String, Object> figure(Window w, long index, long uniques) {
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("window", w.jsonName());
    x.put("start", w.label(index));
    x.put("unique_downloaders", uniques);
    return x;
  }

  Map<String, Object> json(LogScanner.Result r) {
    RunTotals t = r.summary.totals();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lines_total", t.linesTotal);
    m.put("lines_rejected", t.linesRejected);
    m.put("non_request_lines", t.nonRequestLines);
    m.put("bytes_total", t.bytesTotal);
    m.put("downloads", downloads);
    List<Map<String, Object>> windows = new ArrayList<>();
    for (WindowUniques u : r.uniques) {
      windows.add(figure(u.window(), u.index(), u.uniqueDownloaders()));
    }
    m.put("unique_downloaders", windows);
    m.put("bot_requests", t.botRequests);
    m.put("late_lines", t.lateLines);
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("2xx", t.status2xx);
    st.put("3xx", t.status3xx);
    st.put("4xx", t.status4xx);
    st.put("5xx", t.status5xx);
    m.put("status", st);
    m.put("rejected_samples", t.rejectedSamples);
    m.put("batches", r.batches);
    m.put("errors", r.errors);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Art a : artifacts) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("project", a.project);
      x.put("artifact", a.artifact);
      x.put("type", a.type);
      x.put("protocol", a.protocol);
      x.put("downloads", a.downloads);
      x.put("bytes", a.bytes);
      List<Map<String, Object>> monthly = new ArrayList<>();
      a.monthly.forEach((month, n) -> monthly.add(figure(Window.MONTH, month, n)));
      x.put("unique_downloaders", monthly);
      x.put("bot_requests", a.bots);
      rows.add(x);
    }
    m.put("artifacts", rows);
    List<Map<String, Object>> cm = new ArrayList<>();
    for (CountmeRow c : r.summary.countmeRows()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("week_start", c.weekStart);
      x.put("project", c.project);
      x.put("age_bucket", c.ageBucket);
      x.put("label", c.label);
      x.put("systems", c.systems());
      cm.add(x);
    }
    m.put("countme", cm);
    return m;
  }

  void print(PrintStream out, LogScanner.Result r) {
    RunTotals t = r.summary.totals();
    out.printf("lines %,d (rejected %,d, non-request %,d)  bytes %s  downloads %,d  bot requests "
            + "%,d%n", t.linesTotal, t.linesRejected, t.nonRequestLines, human(t.bytesTotal),
        downloads, t.botRequests);
    for (Window w : List.of(Window.MONTH, Window.WEEK)) {
      StringBuilder sb = new StringBuilder("unique downloaders by " + w.jsonName() + ":");
      r.uniques.stream().filter(u -> u.window() == w).forEach(u ->
          sb.append(String.format("  %s ~%,d", u.label(), u.uniqueDownloaders())));
      out.println(sb);
    }
    out.printf("status 2xx %,d  3xx %,d  4xx %,d  5xx %,d   batches spooled %d%n", t.status2xx,
        t.status3xx, t.status4xx, t.status5xx, r.batches);
    out.println();
    out.println("top artifacts");
    out.printf("  %10s %10s %8s  %-9s %-5s %s%n", "downloads", "bytes", "uniq/mo", "type",
        "proto", "artifact");
    for (Art a : artifacts.subList(0, Math.min(20, artifacts.size()))) {
      out.printf("  %,10d %10s %,8d  %-9s %-5s %s%n", a.downloads, human(a.bytes),
          a.monthly.isEmpty() ? 0 : a.monthly.lastEntry().getValue(), a.type, a.protocol, a.artifact);
    }
    Map<String, long[]> types = new TreeMap<>();
    Map<String, long[]> protos = new TreeMap<>();
    for (Art a : artifacts) {
      long[] x = types.computeIfAbsent(a.type, k -> new long[2]);
      x[0] += a.downloads;
      x[1] += a.bytes;
      long[] y = protos.computeIfAbsent(a.protocol, k -> new long[2]);
      y[0] += a.downloads;
      y[1] += a.bytes;
    }
    out.println();
    out.println("by type");
    types.forEach((k, v) -> out.printf("  %-10s %,10d downloads %10s%n", k, v[0], human(v[1])));
    out.println("by protocol");
    protos.forEach((k, v) -> out.printf("  %-10s %,10d downloads %10s%n", k, v[0], human(v[1])));
    if (!t.rejectedSamples.isEmpty()) {
      out.println();
      out.println("rejected lines (samples)");
      t.rejectedSamples.forEach(s -> out.println("  " + s));
    }
  }

  static String human(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String u = "KMGTPE";
    int i = (63 - Long.numberOfLeadingZeros(b)) / 10;
    return String.format("%.1f %siB", b / Math.pow(1024, i), u.charAt(i - 1));
  }
}
