package io.chasm.examples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chasm.examples.common.ExitCodes;
import io.chasm.stats.ClassificationRules;
import io.chasm.stats.format.LogFormats;
import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.scan.StepSeeds;
import io.chasm.wire.stats.StatsSpool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
      StatsSpool out = spool;
      Callable<LogScanner.Result> scan = () -> scanner.scan(logs, out);
      LogScanner.Result r = json ? scan.call() : ProgressLine.whileRunning(progress(scanner), Duration.ZERO, scan);
      ScanReport rep = ScanReport.of(r);
      if (json) {
        // Streamed to stdout: as one String the report (11 MB of JSON for 55,600 artifacts) was
        // built twice over in chars at the end of the run, its peak under a tight heap (w7-A).
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        m.writeValue(System.out, rep.json(r));
        System.out.println();
      } else {
        rep.print(System.out, r);
      }
      for (String e : r.errors) {
        System.err.println("chasm: " + e);
      }
      return r.errors.isEmpty() ? ExitCodes.OK : ExitCodes.ERROR;
    }

    private static Supplier<String> progress(LogScanner scanner) {
      long t0 = System.nanoTime();
      return () -> {
        long done = scanner.progress();
        long plan = Math.max(1, scanner.planned());
        int pct = (int) Math.min(100, done * 100 / plan);
        double mbs = done / 1e6 / Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
        String bar = "#".repeat(pct / 5) + " ".repeat(20 - pct / 5);
        return String.format("chasm: scan [%s] %3d%%  %,d MB  %.0f MB/s", bar, pct, done / 1_000_000, mbs);
      };
    }
  }
}
