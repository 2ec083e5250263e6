package io.chasm.benchmarks;

import io.chasm.stats.internal.ArtifactPaths;
import io.chasm.stats.internal.ArtifactTable;
import java.nio.charset.StandardCharsets;
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
 * A line's path to its artifact id (issue 15, w6-C): 100,000 request paths of 20,000 artifacts
 * (Zipf-like popularity) through one {@link ArtifactTable}, each path normalised byte by byte
 * into a scratch buffer and interned from there ({@code normaliseThenIntern}, before), and each
 * path tested eight bytes at a time and interned from the line when it already is its own name
 * ({@code plainThenIntern}, now). Run with {@code java -jar benchmarks/target/benchmarks.jar ArtifactPath}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class ArtifactPathBenchmark {
  private static final int PATHS = 100_000;
  private byte[] buf;
  private int[] starts;
  private final byte[] scratch = new byte[ArtifactPaths.MAX_PATH + 2];
  private final ArtifactTable table = new ArtifactTable();

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    StringBuilder b = new StringBuilder();
    starts = new int[PATHS + 1];
    for (int i = 0; i < PATHS; i++) {
      starts[i] = b.length();
      int a = (int) (20_000 * Math.pow(rnd.nextDouble(), 3));
      b.append("/debian/pool/main/").append((char) ('a' + a % 26)).append("/pkg").append(a)
          .append("/pkg").append(a).append("_1.").append(a % 13).append("-1_amd64.deb");
    }
    starts[PATHS] = b.length();
    buf = b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Benchmark
  public long normaliseThenIntern() {
    long acc = 0;
    for (int i = 0; i < PATHS; i++) {
      int n = ArtifactPaths.normalise(buf, starts[i], starts[i + 1], false, scratch);
      acc += table.intern(scratch, 0, n);
    }
    return acc;
  }

  @Benchmark
  public long plainThenIntern() {
    long acc = 0;
    for (int i = 0; i < PATHS; i++) {
      int s = starts[i], e = starts[i + 1];
      if (ArtifactPaths.plain(buf, s, e)) {
        acc += table.intern(buf, s, e);
      } else {
        acc += table.intern(scratch, 0, ArtifactPaths.normalise(buf, s, e, false, scratch));
      }
    }
    return acc;
  }
}
