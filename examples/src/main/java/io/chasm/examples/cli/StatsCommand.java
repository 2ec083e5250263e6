package io.chasm.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chasm.stats.ClassificationRules;
import io.chasm.stats.CountmeRow;
import io.chasm.stats.format.LogFormats;
import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.RunTotals;
import io.chasm.stats.StatsRow;
import io.chasm.stats.scan.StepSeeds;
import io.chasm.wire.stats.StatsSpool;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.datasketches.hll.Union;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm stats ...}: the stats agent. */
@Command(
    name = "stats",
    description = "Download statistics from mirror logs.",
    subcommands = {StatsCommand.Scan.class, io.chasm.examples.stats.StatsSubmitCommand.class})
public final class StatsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code chasm stats scan LOG...}. */
  @Command(
      name = "scan",
      description = "Read access/transfer logs (plain, gzip, zstd; rotated sets in order) into "
          + "download statistics. With --state, reads only new bytes and spools batches for "
          + "`chasm stats submit --spool DIR/spool`.")
  public static final class Scan implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "LOG", description = "log files")
    List<Path> logs;

    @Option(names = "--format", paramLabel = "NAME",
        description = "log format (default: detected per file): common, combined, vhost_combined, "
            + "json, xferlog, vsftpd, rsyncd, git-daemon, logformat:<LogFormat>, "
            + "rsyncd:<log format>, json:<field>=<keys>;...")
    String format;

    @Option(names = "--rules", paramLabel = "FILE", description = "classification rules file")
    Path rules;

    @Option(names = "--state", paramLabel = "DIR",
        description = "state directory: checkpoints, day secrets, the key and the batch spool")
    Path state;

    @Option(names = "--mirror-id", paramLabel = "ID", defaultValue = "local",
        description = "name the mirror is enrolled under at the collector (default: ${DEFAULT-VALUE})")
    String mirrorId;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--commit-every", paramLabel = "BYTES", defaultValue = "67108864",
        description = "bytes per checkpointed step (default: ${DEFAULT-VALUE})")
    long stepBytes;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: cores)")
    Integer threads;

    @Option(names = "--test-seed", hidden = true) String testSeed;

    @Override
    public Integer call() throws Exception {
      LogScanner.Options o = new LogScanner.Options();
      o.format = format;
      o.rules = rules == null ? ClassificationRules.defaults() : ClassificationRules.load(rules);
      o.stateDir = state;
      o.stepBytes = stepBytes;
      if (threads != null) {
        o.threads = threads;
      }
      if (format != null) {
        LogFormats.byName(format); // a bad name fails before any work
      }
      if (testSeed != null) {
        o.seeds = StepSeeds.derivedFrom(testSeed.getBytes(StandardCharsets.UTF_8));
      }
      StatsSpool spool = null;
      if (state != null) {
        Files.createDirectories(state);
        spool = new StatsSpool(state.resolve("spool"), mirrorId);
      }
      LogScanner scanner = new LogScanner(o);
      Thread bar = null;
      if (!json && System.console() != null) {
        bar = progressBar(scanner);
      }
      LogScanner.Result r;
      try {
        r = scanner.scan(logs, spool);
      } finally {
        if (bar != null) {
          bar.interrupt();
          bar.join();
          System.err.print("\r\033[K");
        }
      }
      Report rep = Report.of(r);
      if (json) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        System.out.println(m.writeValueAsString(rep.json(r)));
      } else {
        rep.print(System.out, r);
      }
      for (String e : r.errors) {
        System.err.println("chasm: " + e);
      }
      return r.errors.isEmpty() ? ChasmCli.EXIT_OK : ChasmCli.EXIT_ERROR;
    }

    private static Thread progressBar(LogScanner scanner) {
      Thread t = new Thread(() -> {
        long t0 = System.nanoTime();
        try {
          while (!Thread.currentThread().isInterrupted()) {
            Thread.sleep(250);
            long done = scanner.progress();
            long plan = Math.max(1, scanner.planned());
            int pct = (int) Math.min(100, done * 100 / plan);
            double mbs = done / 1e6 / Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
            String bar = "#".repeat(pct / 5) + " ".repeat(20 - pct / 5);
            System.err.printf("\r[%s] %3d%%  %,d MB  %.0f MB/s\033[K", bar, pct, done / 1_000_000, mbs);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "chasm-progress");
      t.setDaemon(true);
      t.start();
      return t;
    }
  }

  /** Per-artifact view of a scan's day rows. */
  static final class Report {
    static final class Art {
      String project, artifact, type, protocol;
      long downloads, bytes, bots, uniques;
    }

    final List<Art> artifacts = new ArrayList<>();
    final Union all = new Union(StatsRow.LG_K);
    long downloads;

    // The summary has one period-0 row per (protocol, type, artifact): one Art per row.
    static Report of(LogScanner.Result r) {
      Report rep = new Report();
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
        var s = row.uniques();
        if (s != null) {
          rep.all.update(s);
        }
        rep.downloads += row.downloads();
        rep.artifacts.add(a);
      }
      rep.artifacts.sort(Comparator.comparingLong((Art a) -> -a.downloads)
          .thenComparingLong(a -> -a.bytes).thenComparing(a -> a.artifact)
          .thenComparing(a -> a.protocol).thenComparing(a -> a.type));
      return rep;
    }

    static long estimate(Union u) {
      return u.isEmpty() ? 0 : Math.round(u.getCompositeEstimate());
    }

    Map<String, Object> json(LogScanner.Result r) {
      RunTotals t = r.summary.totals();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lines_total", t.linesTotal);
      m.put("lines_rejected", t.linesRejected);
      m.put("non_request_lines", t.nonRequestLines);
      m.put("bytes_total", t.bytesTotal);
      m.put("downloads", downloads);
      m.put("unique_downloaders", estimate(all));
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
          t.nonRequestLines, human(t.bytesTotal), downloads, estimate(all), t.botRequests);
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
}
