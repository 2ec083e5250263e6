package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.scan.StepSeeds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The report of a scan with {@code --state}, whose downloaders come from each step's delta (the
 * coupons its batch carries, SummaryRows.feed, w8-B), is the report of a scan without it, whose
 * downloaders come one by one with their keyed hashes: every artifact's downloads, bytes and
 * monthly unique figures, and every day's, week's and month's figure, across steps, months and
 * decided 206 ranges (of days that close before the log ends).
 */
class ReportFeedProperties {
  private static final String[] PATHS = {"/debian/pool/main/a/a_1.deb", "/fedora/x.iso",
      "/debian/dists/bookworm/InRelease", "/repo.git/git-upload-pack", "/pub/f%20g.tar.gz",
      "/pub/big.iso"};

  @Property(tries = 20)
  void stateReport_isTheReportOnlyReport(@ForAll long seed,
      @ForAll @IntRange(min = 50, max = 4000) int lines, @ForAll @IntRange(min = 1, max = 600) int gap,
      @ForAll @IntRange(min = 1, max = 400) int clients) throws IOException {
    Path dir = Files.createTempDirectory("report-feed");
    try {
      Path log = dir.resolve("access.log");
      java.util.Random rnd = new java.util.Random(seed);
      StringBuilder sb = new StringBuilder();
      long[] times = new long[lines];
      long t = 1732406400L; // 2024-11-24: long logs cross into December
      for (int i = 0; i < lines; i++) {
        t += rnd.nextInt(gap * 2);
        times[i] = t;
      }
      for (int i = 0; i < lines; i++) {
        t = times[i];
        // 206 ranges only on days that close before the end: a scan with --state leaves the last
        // days' ranges open in its state, one without decides them at its end.
        boolean ranges = t < times[lines - 1] - 3 * 86400;
        java.time.ZonedDateTime z = java.time.Instant.ofEpochSecond(t).atZone(java.time.ZoneOffset.UTC);
        String path = PATHS[rnd.nextInt(PATHS.length)];
        String method = path.endsWith("upload-pack") ? "POST" : "GET";
        int status = new int[] {200, 200, 200, 206, 206, 404}[rnd.nextInt(ranges ? 6 : 3)];
        // The big file's ranges add up to its full size (1000) now and then.
        int size = path.equals("/pub/big.iso") ? (status == 200 ? 1000 : 500) : 500 + rnd.nextInt(2000);
        sb.append(String.format(java.util.Locale.ROOT,
            "10.%d.%d.%d - - [%02d/%s/%d:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"apt\"%n",
            rnd.nextInt(2), rnd.nextInt(clients) / 250, rnd.nextInt(clients) % 250, z.getDayOfMonth(),
            z.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT),
            z.getYear(), z.getHour(), z.getMinute(), z.getSecond(), method, path, status, size));
      }
      Files.writeString(log, sb.toString(), StandardCharsets.UTF_8);
      long step = Math.max(1000, Files.size(log) / (1 + rnd.nextInt(5)));
      List<String> withState = report(dir.resolve("state"), log, step);
      assertThat(withState).isEqualTo(report(null, log, step));
      assertThat(withState.get(withState.size() - 1)).contains("unique_downloaders");
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static List<String> report(Path state, Path log, long step) throws IOException {
    LogScanner.Options o = new LogScanner.Options();
    o.format = "combined";
    o.stateDir = state;
    o.threads = 2;
    o.minPartBytes = 500;
    o.stepBytes = step;
    o.seeds = StepSeeds.derivedFrom(new byte[] {7});
    List<StatsDelta> batches = new ArrayList<>();
    LogScanner.Result r = new LogScanner(o).scan(List.of(log), state == null ? null : batches::add);
    assertThat(r.errors).isEmpty();
    Map<String, String> rows = new TreeMap<>();
    for (StatsRow x : r.summary.unorderedRows()) {
      rows.put(x.periodStart + " " + x.granularity + " " + x.protocol + " " + x.type + " " + x.artifact,
          x.downloads() + "/" + x.bytes() + "/" + x.botRequests() + "/" + x.uniqueEstimate());
    }
    List<String> out = new ArrayList<>();
    out.add(rows.toString());
    StringBuilder w = new StringBuilder();
    for (WindowUniques u : r.uniques) {
      w.append(u.window()).append(' ').append(u.start()).append(" unique_downloaders=")
          .append(u.uniqueDownloaders()).append('\n');
    }
    out.add(w.toString());
    return out;
  }
}
