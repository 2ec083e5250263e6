package io.chasm.benchmarks;

import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.wire.stats.StatsBatches;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The spooling half of a {@code --state} step (issue 15): a delta shaped like one 64 MiB step of
 * a mirror's combined log (hour and day rows over {@code artifacts} paths with long common
 * prefixes, small sketches) is put in canonical order and encoded as batches. {@code
 * rowsByStringCompare} is the former order (every comparison walks the path strings), beside
 * {@link StatsDelta#rows()} (strings ranked once); {@code encodeBatches} is the whole hand-over to
 * the spool minus the disk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatsSpoolBenchmark {
  @Param({"20000"})
  int artifacts;

  private StatsDelta delta;

  @Setup
  public void setup() {
    delta = new StatsDelta();
    Random rnd = new Random(1);
    String[] paths = new String[artifacts];
    for (int i = 0; i < artifacts; i++) {
      String n = "pkg" + i;
      paths[i] = ("/debian/pool/main/" + n.charAt(0) + "/" + n + "/" + n + "_" + (i % 7) + "."
          + (i % 13) + "-1_amd64.deb").intern();
    }
    long hour0 = 1732406400L;
    for (int h = 0; h < 3; h++) {
      for (int i = 0; i < artifacts; i++) {
        if (rnd.nextInt(3) == 0) {
          continue;
        }
        HllSketch s = new HllSketch(StatsRow.LG_K, TgtHllType.HLL_8);
        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
          s.update(rnd.nextLong());
        }
        StatsRow r = delta.row(hour0 + h * 3600L, StatsRow.Granularity.HOUR, "debian", paths[i],
            "deb", "http");
        r.add(1, 1000, 0);
        r.addUniques(s);
        StatsRow d = delta.row(hour0, StatsRow.Granularity.DAY, "debian", paths[i], "deb", "http");
        d.add(1, 1000, 0);
        d.addUniques(s);
      }
    }
  }

  @Benchmark
  public List<StatsRow> rowsRanked() {
    return delta.rows();
  }

  @Benchmark
  public List<StatsRow> rowsByStringCompare() {
    List<StatsRow> l = new ArrayList<>(delta.unorderedRows());
    l.sort(StatsSpoolBenchmark::compareFields);
    return l;
  }

  // What StatsRow.Key.compareTo did for every pair before the ranks.
  private static int compareFields(StatsRow x, StatsRow y) {
    int c = Long.compare(x.periodStart, y.periodStart);
    if (c == 0) {
      c = x.granularity.compareTo(y.granularity);
    }
    if (c == 0) {
      c = x.protocol.compareTo(y.protocol);
    }
    if (c == 0) {
      c = x.type.compareTo(y.type);
    }
    return c != 0 ? c : x.artifact.compareTo(y.artifact);
  }

  @Benchmark
  public void encodeBatches(Blackhole bh) throws IOException {
    StatsBatches.forEach("mirror-a", delta, StatsBatches.MAX_ROWS, 0, bh::consume);
  }

  /**
   * The rows part of the former encoding (before w4-A): a generated builder per row, a UTF-8 copy
   * of every artifact, each sketch copied to HLL_4, then protobuf's serialisation; beside {@code
   * encodeBatches}, which writes the same bytes directly (and also hashes ids and writes headers).
   */
  @Benchmark
  public void encodeRowsWithBuilders(Blackhole bh) {
    List<StatsRow> rows = delta.rows();
    for (int k = 0; k < rows.size(); k += StatsBatches.MAX_ROWS) {
      io.chasm.wire.proto.stats.StatsBatch.Builder b = io.chasm.wire.proto.stats.StatsBatch.newBuilder();
      for (StatsRow r : rows.subList(k, Math.min(rows.size(), k + StatsBatches.MAX_ROWS))) {
        io.chasm.wire.proto.stats.StatsRow.Builder rb = io.chasm.wire.proto.stats.StatsRow.newBuilder()
            .setPeriodStart(r.periodStart)
            .setGranularityValue(r.granularity.ordinal() + 1)
            .setProject(r.project)
            .setArtifactBytes(com.google.protobuf.ByteString.copyFromUtf8(r.artifact))
            .setType(r.type)
            .setProtocol(r.protocol)
            .setDownloads(r.downloads())
            .setBytes(r.bytes())
            .setBotRequests(r.botRequests());
        HllSketch s = r.uniques();
        if (s != null) {
          rb.setUniqueSketch(com.google.protobuf.ByteString.copyFrom(
              s.copyAs(TgtHllType.HLL_4).toCompactByteArray()));
        }
        b.addRows(rb);
      }
      bh.consume(b.build().toByteArray());
    }
  }
}
