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
import net.jqwik.api.constraints.LongRange;

/**
 * A plain file read by several threads in byte ranges (each resynchronising at the next line end,
 * the parts merged) gives what one thread reading it whole gives: every row's downloads, bytes,
 * bot requests and unique estimate, the totals and the coverage, step by step, with --state.
 */
class SplitScanProperties {
  private static final String[] PATHS = {"/debian/pool/main/a/a_1.deb", "/fedora/x.iso",
      "/debian/dists/bookworm/InRelease", "/repo.git/git-upload-pack", "/pub/f%20g.tar.gz"};
  private static final String[] AGENTS = {"apt", "Googlebot/2.1", "curl/8", "-"};

  @Property(tries = 25)
  void splitAcrossThreads_equalsOneThread(@ForAll long seed, @ForAll @IntRange(min = 50, max = 3000) int lines,
      @ForAll @IntRange(min = 2, max = 5) int threads, @ForAll @LongRange(min = 200, max = 20_000) long part)
      throws IOException {
    Path dir = Files.createTempDirectory("split-scan");
    try {
      Path log = dir.resolve("access.log");
      java.util.Random rnd = new java.util.Random(seed);
      StringBuilder sb = new StringBuilder();
      long t = 0;
      for (int i = 0; i < lines; i++) {
        t += rnd.nextInt(120); // crosses hours and, for long logs, days
        int sec = (int) (t % 86400);
        int day = 24 + (int) (t / 86400);
        String path = PATHS[rnd.nextInt(PATHS.length)];
        String method = path.endsWith("upload-pack") ? "POST" : "GET";
        int status = new int[] {200, 200, 200, 206, 304, 404}[rnd.nextInt(6)];
        sb.append(String.format("10.0.%d.%d - - [%02d/Nov/2024:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\"%n",
            rnd.nextInt(3), rnd.nextInt(40), day, sec / 3600, sec / 60 % 60, sec % 60, method, path,
            status, 500 + rnd.nextInt(2000), AGENTS[rnd.nextInt(AGENTS.length)]));
      }
      Files.writeString(log, sb.toString(), StandardCharsets.UTF_8);
      long step = Math.max(1000, Files.size(log) / 3);
      assertThat(run(dir.resolve("s1"), log, 1, Long.MAX_VALUE, step))
          .isEqualTo(run(dir.resolve("sN"), log, threads, part, step));
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // Each step's delta as comparable text: rows in key order with counts and unique estimates,
  // totals and coverage.
  private static List<String> run(Path state, Path log, int threads, long part, long step) throws IOException {
    LogScanner.Options o = new LogScanner.Options();
    o.format = "combined";
    o.stateDir = state;
    o.threads = threads;
    o.minPartBytes = part;
    o.stepBytes = step;
    o.seeds = StepSeeds.derivedFrom(new byte[] {7});
    List<String> out = new ArrayList<>();
    LogScanner.Result r = new LogScanner(o).scan(List.of(log), d -> {
      Map<String, String> rows = new TreeMap<>();
      for (StatsRow x : d.rows()) {
        rows.put(x.periodStart + " " + x.granularity + " " + x.protocol + " " + x.type + " " + x.artifact,
            x.downloads() + "/" + x.bytes() + "/" + x.botRequests() + "/" + x.uniqueEstimate());
      }
      RunTotals tt = d.totals();
      out.add(rows + " lines=" + tt.linesTotal + " rejected=" + tt.linesRejected + " bytes=" + tt.bytesTotal
          + " 2xx=" + tt.status2xx + " 3xx=" + tt.status3xx + " 4xx=" + tt.status4xx + " bots=" + tt.botRequests
          + " late=" + tt.lateLines + " coverage=" + d.coverage().stream().map(c -> c.start() + "-" + c.end()).toList());
    });
    assertThat(r.errors).isEmpty();
    out.add("uniques " + r.uniques);
    return out;
  }
}
