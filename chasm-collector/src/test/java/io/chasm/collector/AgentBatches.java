package io.chasm.collector;

import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.StatsRow;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.stats.StatsSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Batches made by the real stats agent (chasm-stats-model's scanner, chasm-wire's spool) from the
 * shared real Apache log, with the agent's own per-project totals to compare the collector with.
 */
final class AgentBatches {
  final List<StatsBatch> batches = new ArrayList<>();
  /** project -> {downloads, bytes} from the agent's in-memory summary (DAY rows). */
  final Map<String, long[]> downloadsAndBytes = new TreeMap<>();
  long totalDownloads;

  static Path sample() {
    // Surefire runs in the module directory; the sample lives in the repository's data/.
    return Path.of("..", "data", "apache-combined-sample.log");
  }

  static AgentBatches scan(String mirrorId, Path work) throws IOException {
    LogScanner.Options o = new LogScanner.Options();
    o.stateDir = Files.createDirectories(work.resolve("agent-state"));
    o.threads = 1;
    StatsSpool spool = new StatsSpool(work.resolve("agent-spool"), mirrorId);
    LogScanner.Result r = new LogScanner(o).scan(List.of(sample()), spool);
    if (!r.errors.isEmpty()) {
      throw new IOException("agent scan failed: " + r.errors);
    }
    AgentBatches a = new AgentBatches();
    for (Path f : spool.list()) {
      a.batches.add(StatsBatch.parseFrom(StatsSpool.read(f).bytes()));
    }
    for (StatsRow row : r.summary.rows()) {
      if (row.granularity == StatsRow.Granularity.DAY) {
        long[] t = a.downloadsAndBytes.computeIfAbsent(row.project, k -> new long[2]);
        t[0] += row.downloads();
        t[1] += row.bytes();
        a.totalDownloads += row.downloads();
      }
    }
    return a;
  }
}
