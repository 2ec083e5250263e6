package io.chasm.examples.cli;

import io.chasm.stats.CountmeRow;
import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.RunTotals;
import io.chasm.stats.SketchMerger;
import io.chasm.stats.StatsRow;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-artifact view of a scan's day rows. */
final class ScanReport {
  static final class Art {
    String project, artifact, type, protocol;
    long downloads, bytes, bots, uniques;
  }

  final List<Art> artifacts = new ArrayList<>();
  final SketchMerger all = new SketchMerger();
  long downloads;

  // The summary has one period-0 row per (protocol, type, artifact): one Art per row.
  static ScanReport of(LogScanner.Result r) {
    ScanReport rep = new ScanReport();
    for (StatsRow row : r.summary.unorderedRows()) {
      Art a = new Art();
      a.project = row.project;
      a.artifact = row.artifact;
      a.type = row.type;
      a.protocol = row.protocol;
      a.downloads = row.downloads();
      a.bytes = row.bytes();
      a.bots = row.botRequests();
      a.uniques = row.uniqueEstimate();
      rep.all.add(row);
      rep.downloads += row.downloads();
      rep.artifacts.add(a);
    }
    rep.artifacts.sort(Comparator.comparingLong((Art a) -> -a.downloads)
        .thenComparingLong(a -> -a.bytes).thenComparing(a -> a.artifact)
        .thenComparing(a -> a.protocol).thenComparing(a -> a.type));
    return rep;
  }

  Map<String, Object> json(LogScanner.Result r) {
    RunTotals t = r.summary.totals();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lines_total", t.linesTotal);
    m.put("lines_rejected", t.linesRejected);
    m.put("non_request_lines", t.nonRequestLines);
    m.put("bytes_total", t.bytesTotal);
    m.put("downloads", downloads);
    m.put("unique_downloaders", all.estimate());
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
      x.put("unique_downloaders", a.uniques);
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
    out.printf("lines %,d (rejected %,d, non-request %,d)  bytes %s  downloads %,d  unique "
            + "downloaders ~%,d  bot requests %,d%n", t.linesTotal, t.linesRejected,
        t.nonRequestLines, human(t.bytesTotal), downloads, all.estimate(), t.botRequests);
    out.printf("status 2xx %,d  3xx %,d  4xx %,d  5xx %,d   batches spooled %d%n", t.status2xx,
        t.status3xx, t.status4xx, t.status5xx, r.batches);
    out.println();
    out.println("top artifacts");
    out.printf("  %10s %10s %8s  %-9s %-5s %s%n", "downloads", "bytes", "uniques", "type",
        "proto", "artifact");
    for (Art a : artifacts.subList(0, Math.min(20, artifacts.size()))) {
      out.printf("  %,10d %10s %,8d  %-9s %-5s %s%n", a.downloads, human(a.bytes),
          a.uniques, a.type, a.protocol, a.artifact);
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
