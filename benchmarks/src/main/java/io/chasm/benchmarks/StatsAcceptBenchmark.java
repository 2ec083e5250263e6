package io.chasm.benchmarks;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.format.LogFormats;
import io.chasm.stats.internal.Aggregator;
import io.chasm.stats.internal.PeriodSecrets;
import java.nio.charset.StandardCharsets;
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
 * One worker's per-line path with hour rows (the {@code --state} mode, issue 15, w7-B): 300,000
 * combined-log lines of 55,600 artifacts (Zipf-like popularity) and 350,000 clients over a day,
 * in time order, parsed and counted by one {@link Aggregator} (artifact interning, the row of
 * (hour, artifact, protocol), the counters, client hashes, week and month coupons). The
 * aggregator lives for a measurement iteration, so after the first pass every artifact is known
 * and every row exists, as within a step. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar StatsAccept}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class StatsAcceptBenchmark {
  private static final int LINES = 300_000;
  private byte[] log;
  private int[] ends;
  private final LogRecord rec = new LogRecord();
  private final LogReader reader = LogFormats.byName("combined");
  private Aggregator agg;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    StringBuilder c = new StringBuilder();
    ends = new int[LINES];
    for (int i = 0; i < LINES; i++) {
      int client = (int) (350_000 * Math.pow(rnd.nextDouble(), 2));
      int a = (int) (55_600 * Math.pow(rnd.nextDouble(), 3));
      int sec = (int) ((long) i * 86_400 / LINES);
      boolean range = rnd.nextInt(20) == 0;
      c.append(10 + client % 200).append('.').append(client / 200 % 256).append('.')
          .append(client / 51_200).append(".7 - - [24/Nov/2024:")
          .append(String.format("%02d:%02d:%02d", sec / 3600, sec / 60 % 60, sec % 60))
          .append(" +0000] \"GET /debian/pool/main/p/pkg").append(a).append("/pkg").append(a)
          .append("_1.").append(a % 9).append("-1_amd64.deb HTTP/1.1\" ").append(range ? 206 : 200)
          .append(' ').append(1000 + rnd.nextInt(1 << 20))
          .append(" \"-\" \"").append(rnd.nextInt(50) == 0 ? "Googlebot/2.1" : "Debian APT-HTTP/1.3 (2.6.1)")
          .append("\"\n");
      ends[i] = c.length() - 1;
    }
    log = c.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Setup(Level.Iteration)
  public void freshAggregator() {
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32]);
    agg = new Aggregator(ClassificationRules.defaults(), secrets);
  }

  @Benchmark
  public long parseAndAccept() {
    long n = 0;
    int s = 0;
    for (int i = 0; i < LINES; i++) {
      int e = ends[i];
      if (reader.parse(log, s, e, rec) == LogRecord.Kind.REQUEST && agg.accept(rec) == null) {
        n++;
      }
      s = e + 1;
    }
    return n;
  }
}
