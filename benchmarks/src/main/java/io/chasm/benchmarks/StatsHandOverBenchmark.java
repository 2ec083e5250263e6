package io.chasm.benchmarks;

import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.wire.stats.StatsBatches;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
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
 * The hand-over of a {@code --state} step (issue 15, w5-A): one worker's per-(hour, artifact)
 * rows (counters and a small sketch each, as a 64 MiB step of combined log makes them) become
 * the step delta's HOUR and DAY rows. {@code columns} is the delta as columns, rows found by
 * index with the artifact's catalog id; {@code keyedHashMap} is the former shape, a {@code
 * HashMap} of key records to row objects (one key, row and map node per row). {@code
 * columnsThenEncode} adds the encoding of the batches (parts on all cores), without the disk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatsHandOverBenchmark {
  @Param({"100000"})
  int rows;

  private long[] hour;
  private int[] art;
  private String[] path;
  private long[] downloads;
  private HllSketch[] sketch;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    int artifacts = rows / 3;
    path = new String[artifacts];
    for (int i = 0; i < artifacts; i++) {
      String n = "pkg" + i;
      path[i] = ("/debian/pool/main/" + n.charAt(0) + "/" + n + "/" + n + "_" + (i % 7) + "."
          + (i % 13) + "-1_amd64.deb").intern();
    }
    hour = new long[rows];
    art = new int[rows];
    downloads = new long[rows];
    sketch = new HllSketch[rows];
    long hour0 = 1732406400L / 3600;
    for (int i = 0; i < rows; i++) {
      hour[i] = hour0 + i % 48;
      art[i] = (i / 48 * 31 + i) % artifacts;
      downloads[i] = 1 + rnd.nextInt(5);
      HllSketch s = new HllSketch(StatsRow.LG_K, TgtHllType.HLL_8);
      for (long k = downloads[i]; k > 0; k--) {
        s.update(rnd.nextLong());
      }
      sketch[i] = s;
    }
  }

  private StatsDelta columns() {
    StatsDelta d = new StatsDelta();
    for (int i = 0; i < rows; i++) {
      int h = d.rowIndex(hour[i] * 3600, StatsRow.Granularity.HOUR, art[i], "debian", path[art[i]],
          "deb", "http");
      d.add(h, downloads[i], downloads[i] * 1000, 0);
      d.addUniques(h, sketch[i]);
      int day = d.rowIndex(hour[i] / 24 * 86400, StatsRow.Granularity.DAY, art[i], "debian",
          path[art[i]], "deb", "http");
      d.add(day, downloads[i], downloads[i] * 1000, 0);
      d.addUniques(day, sketch[i]);
    }
    return d;
  }

  @Benchmark
  public int columnsHandOver() {
    return columns().size();
  }

  // The key the former delta hashed (period, granularity, protocol, type, artifact).
  private record Key(long period, StatsRow.Granularity g, String protocol, String type, String artifact) {}

  @Benchmark
  public int keyedHashMap() {
    Map<Key, StatsRow> m = new HashMap<>();
    for (int i = 0; i < rows; i++) {
      StatsRow h = m.computeIfAbsent(new Key(hour[i] * 3600, StatsRow.Granularity.HOUR, "http", "deb",
          path[art[i]]), k -> new StatsRow(k.period(), k.g(), "debian", k.artifact(), k.type(), k.protocol()));
      h.add(downloads[i], downloads[i] * 1000, 0);
      h.addUniques(sketch[i]);
      StatsRow d = m.computeIfAbsent(new Key(hour[i] / 24 * 86400, StatsRow.Granularity.DAY, "http",
          "deb", path[art[i]]), k -> new StatsRow(k.period(), k.g(), "debian", k.artifact(), k.type(), k.protocol()));
      d.add(downloads[i], downloads[i] * 1000, 0);
      d.addUniques(sketch[i]);
    }
    return m.size();
  }

  @Benchmark
  public void columnsThenEncode(Blackhole bh) throws IOException {
    StatsBatches.forEach("mirror-a", columns(), StatsBatches.MAX_ROWS, 0, bh::consume);
  }
}
