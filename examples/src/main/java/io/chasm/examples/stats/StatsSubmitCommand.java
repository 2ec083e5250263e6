package io.chasm.examples.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.wire.stats.DirectoryOutbox;
import io.chasm.wire.stats.ServedSnapshot;
import io.chasm.wire.stats.StatsSubmitter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code chasm stats submit}: sends the agent's spooled batches to a collector, each signed with
 * the mirror key; a batch leaves the spool only once the collector acknowledged it. Safe from cron
 * or as a loop ({@code --every}).
 */
@Command(
    name = "submit",
    description = "Send spooled stats batches to a collector (kept until acknowledged; retried with backoff).")
public final class StatsSubmitCommand implements Callable<Integer> {
  @Option(names = "--collector", required = true, paramLabel = "URL", description = "collector base URL, e.g. https://stats.example.org/")
  URI collector;

  @Option(names = "--key", required = true, paramLabel = "KEY", description = "the mirror's private key file (from `chasm keygen`)")
  Path key;

  @Option(names = "--spool", paramLabel = "DIR", description = "spool directory of *.batch files (default: ${DEFAULT-VALUE})",
      defaultValue = "${env:CHASM_STATS_SPOOL:-chasm-stats/spool}")
  Path spool;

  @Option(names = "--every", paramLabel = "SECONDS", description = "keep running, draining the spool every SECONDS")
  Integer every;

  @Option(names = "--json", description = "print each drain's counts as one JSON line (acknowledged, refused, waiting, stopped_because)")
  boolean json;
  @Option(names = "--tree", paramLabel = "DIR", description = "the mirror's tree: report the snapshot it serves with each "
      + "batch, for the collector's freshness board (read-only; SPEC 11.19)")
  Path tree;

  @Option(names = "--tree-state", paramLabel = "DIR", description = "the tree's state directory, when not the default "
      + "(the --state given to chasm sync / chasmd)")
  Path treeState;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    StatsSubmitter submitter;
    try {
      Ed25519Signer signer = KeyFiles.readSigner(key);
      submitter = new StatsSubmitter(collector, signer);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (tree != null) {
      if (!Files.isDirectory(tree)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tree " + tree + " is not a directory: give the "
            + "mirror's tree (the DIR of chasm sync / chasmd --tree)");
      }
      ServedSnapshot.Source source = ServedSnapshot.ofTree(tree, treeState);
      if (source.current().isEmpty()) {
        System.err.println("chasm: no snapshot recorded for " + tree + " yet (sync once, or give --tree-state DIR); "
            + "batches go without one until there is");
      }
      submitter = submitter.withServedSnapshot(source);
    }
    DirectoryOutbox outbox = new DirectoryOutbox(spool);
    while (true) {
      StatsSubmitter.Report r = submitter.drain(outbox);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acknowledged", r.acknowledged());
        m.put("refused", r.rejected());
        m.put("waiting", r.remaining());
        m.put("rejected_dir", spool.resolve("rejected").toString());
        m.put("stopped_because", r.stoppedBecause());
        System.out.println(new ObjectMapper().writeValueAsString(m));
      } else {
        System.out.println("stats submit: " + r.acknowledged() + " acknowledged, " + r.rejected() + " refused (moved to "
            + spool.resolve("rejected") + "), " + r.remaining() + " waiting");
      }
      if (every == null) {
        if (r.stoppedBecause() != null) {
          System.err.println("chasm: stopped: " + r.stoppedBecause());
          return ExitCodes.FAILED_CHECK;
        }
        return r.rejected() > 0 ? ExitCodes.FAILED_CHECK : ExitCodes.OK;
      }
      if (r.stoppedBecause() != null) {
        System.err.println("chasm: " + r.stoppedBecause() + "; trying again in " + every + " s");
      }
      Thread.sleep(every * 1000L);
    }
  }
}
