package io.chasm.benchmarks;

import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.UniqueSketches;
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
 * A step's unique downloaders from the worker's first sight to the batch's sketch bytes (issue
 * 15, w6-A): {@code sketches} is the former path (an {@code HllSketch} per HOUR row fed per
 * download, the DAY row a {@code Union} of its hours, HLL_4 bytes from each); {@code coupons} is
 * the new one (a packed (row, coupon) long per download and row, grouped by row at the step end,
 * each row's compact image written from its coupons). Same rows, same client hashes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatsUniquesBenchmark {
  @Param({"100000"})
  int rows;

  private long[] hour;
  private int[] art;
  private String[] path;
  // Downloads of row i: clients[first[i] .. first[i + 1]).
  private int[] first;
  private long[] clients;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    int artifacts = rows / 3;
    path = new String[artifacts];
    for (int i = 0; i < artifacts; i++) {
      path[i] = "/debian/pool/main/p/pkg" + i + "/pkg" + i + "_1.0-1_amd64.deb";
    }
    hour = new long[rows];
    art = new int[rows];
    first = new int[rows + 1];
    long hour0 = 1732406400L / 3600;
    long[] pool = new long[rows * 2];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = rnd.nextLong() | 1;
    }
    clients = new long[rows * 3];
    int n = 0;
    for (int i = 0; i < rows; i++) {
      hour[i] = hour0 + i % 48;
      art[i] = (i / 48 * 31 + i) % artifacts;
      // Mostly a few downloads a row; every 500th row a popular one.
      int d = i % 500 == 0 ? 400 : 1 + rnd.nextInt(4);
      if (n + d > clients.length) {
        clients = java.util.Arrays.copyOf(clients, (n + d) * 2);
      }
      for (int k = 0; k < d; k++) {
        clients[n++] = pool[rnd.nextInt(pool.length)];
      }
      first[i + 1] = n;
    }
  }

  private int[] rowsOf(StatsDelta d, StatsRow.Granularity g, long[] period) {
    int[] r = new int[rows];
    for (int i = 0; i < rows; i++) {
      r[i] = d.rowIndex(period[i], g, art[i], "debian", path[art[i]], "deb", "http");
    }
    return r;
  }

  private long[] periods(boolean day) {
    long[] p = new long[rows];
    for (int i = 0; i < rows; i++) {
      p[i] = day ? hour[i] / 24 * 86400 : hour[i] * 3600;
    }
    return p;
  }

  @Benchmark
  public void sketches(Blackhole bh) {
    StatsDelta d = new StatsDelta();
    int[] h = rowsOf(d, StatsRow.Granularity.HOUR, periods(false));
    int[] day = rowsOf(d, StatsRow.Granularity.DAY, periods(true));
    for (int i = 0; i < rows; i++) {
      HllSketch s = new HllSketch(StatsRow.LG_K, TgtHllType.HLL_8);
      for (int k = first[i]; k < first[i + 1]; k++) {
        s.update(clients[k]);
      }
      d.addUniques(h[i], s);
      d.addUniques(day[i], s);
    }
    for (int r = 0; r < d.size(); r++) {
      HllSketch u = d.uniques(r);
      bh.consume(u == null ? null : UniqueSketches.hll4Bytes(u));
    }
  }

  @Benchmark
  public void coupons(Blackhole bh) {
    StatsDelta d = new StatsDelta();
    int[] h = rowsOf(d, StatsRow.Granularity.HOUR, periods(false));
    int[] day = rowsOf(d, StatsRow.Granularity.DAY, periods(true));
    for (int i = 0; i < rows; i++) {
      for (int k = first[i]; k < first[i + 1]; k++) {
        int c = UniqueSketches.coupon(clients[k]);
        d.addUniqueCoupon(h[i], c);
        d.addUniqueCoupon(day[i], c);
      }
    }
    for (int r = 0; r < d.size(); r++) {
      bh.consume(d.uniqueSketch(r));
    }
  }
}
