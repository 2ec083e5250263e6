package io.chasm.benchmarks;

import io.chasm.stats.internal.collect.StringSort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A step's artifacts ranked by (type, path), as the batches' row order needs them once per step
 * (issue 15, w7-B): 55,600 distinct paths of the shape the synthetic mirror log has (a shared
 * "/debian/pool/main/p/pkg" prefix), in arrival order. {@code comparatorChain} is how
 * {@code RowOrder} did it before (boxed slot indices, a comparator over type then path);
 * {@code multikeyQuicksort} is {@link StringSort} within each type. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar ArtifactRank}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class ArtifactRankBenchmark {
  private static final int ARTIFACTS = 55_600;
  private final List<String> paths = new ArrayList<>();
  private final List<String> types = new ArrayList<>();

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    for (int a = 0; a < ARTIFACTS; a++) {
      String ext = a % 10 == 0 ? ".dsc" : "_amd64.deb";
      paths.add("/debian/pool/main/p/pkg" + a + "/pkg" + a + "_" + (1 + a % 9) + "." + (a % 10) + "-1"
          + ext);
      types.add(a % 10 == 0 ? "source" : "package");
    }
    long seed = rnd.nextLong();
    Collections.shuffle(paths, new Random(seed));
    Collections.shuffle(types, new Random(seed));
  }

  @Benchmark
  public int[] comparatorChain() {
    Integer[] idx = new Integer[paths.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Comparator<Integer> order = Comparator.<Integer, String>comparing(types::get)
        .thenComparing(paths::get);
    Arrays.sort(idx, order);
    int[] rank = new int[idx.length];
    for (int r = 0; r < idx.length; r++) {
      rank[idx[r]] = r;
    }
    return rank;
  }

  @Benchmark
  public int[] multikeyQuicksort() {
    int n = paths.size();
    String[] s = paths.toArray(new String[0]);
    int[] idx = new int[n];
    int k = 0;
    for (String t : new String[] {"package", "source"}) { // types ranked first (a delta has a few)
      int from = k;
      for (int i = 0; i < n; i++) {
        if (types.get(i).equals(t)) {
          idx[k++] = i;
        }
      }
      StringSort.sort(idx, from, k, s);
    }
    int[] rank = new int[n];
    for (int r = 0; r < n; r++) {
      rank[idx[r]] = r;
    }
    return rank;
  }
}
