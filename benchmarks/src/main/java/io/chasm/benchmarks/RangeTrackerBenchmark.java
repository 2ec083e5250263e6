package io.chasm.benchmarks;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.internal.ArtifactCatalog;
import io.chasm.stats.internal.RangeTracker;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The open 206 ranges at a step end with {@code --state} (issue 15, w5-R): each invocation is one
 * step that adds 20,000 ranges (Zipf-like artifacts out of 50,000, random clients) and 6,000 full
 * sizes, decides the ranges of closed days ({@code finish}) and writes the open-range record
 * ({@code save}). Ten steps make a day and two days are open, so 200,000 to 400,000 ranges are
 * open, as on the benchmark's 1 GB combined log. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar RangeTracker}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class RangeTrackerBenchmark {
  private static final int STEPS_PER_DAY = 10;
  private ArtifactCatalog.Artifact[] arts;
  private RangeTracker tracker;
  private Random rnd;
  private long step;

  @Setup(Level.Trial)
  public void setup() {
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    arts = new ArtifactCatalog.Artifact[50_000];
    for (int i = 0; i < arts.length; i++) {
      arts[i] = catalog.classify("/debian/pool/main/p/pkg" + i + "/pkg" + i + "_1.0-1_amd64.deb");
    }
    rnd = new Random(7);
    tracker = new RangeTracker();
    step = 20_000L * STEPS_PER_DAY;
  }

  private ArtifactCatalog.Artifact artifact() {
    return arts[(int) (arts.length * Math.pow(rnd.nextDouble(), 3))];
  }

  @Benchmark
  public byte[] step() {
    long day = step++ / STEPS_PER_DAY;
    for (int i = 0; i < 20_000; i++) {
      long client = rnd.nextLong();
      tracker.add(artifact(), 0, day, client, client ^ 1, client ^ 2, 1 << 20,
          day * 86_400 + rnd.nextInt(86_400));
    }
    for (int i = 0; i < 6_000; i++) {
      tracker.fullSize(artifact(), 0, day, 1 << 22);
    }
    tracker.finish(new StatsDelta(), null, day - 1);
    return tracker.save();
  }
}
