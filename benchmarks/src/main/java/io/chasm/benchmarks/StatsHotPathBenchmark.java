package io.chasm.benchmarks;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.format.LogFormats;
import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.scan.StepSeeds;
import io.chasm.wire.stats.StatsSpool;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The stats agent's hot paths in isolation (issue 15): the byte-level parser of each format over
 * 100,000 buffered lines ({@code parseCombined}, {@code parseXferlog}, {@code parseRsyncd}), and a
 * {@code --state} scan of a log where a third of the downloads are 206 ranges from 200,000 clients
 * ({@code scanStateRanges}): per line, the one client-hash lookup for day, week and month; per
 * step, the open ranges written to the state file. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar StatsHotPath}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class StatsHotPathBenchmark {
  private static final int LINES = 100_000;
  private byte[] combined, xferlog, rsyncd;
  private final LogRecord rec = new LogRecord();
  private Path dir;
  private Path log;

  @Setup
  public void setup() throws IOException {
    Random rnd = new Random(1);
    StringBuilder c = new StringBuilder(), x = new StringBuilder(), r = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      String ip = (1 + rnd.nextInt(223)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
      String path = "/debian/pool/main/p/pkg" + rnd.nextInt(20_000) + "/pkg_" + (i % 7) + ".deb";
      int sec = i / 2;
      c.append(String.format("%s - - [24/Nov/2024:%02d:%02d:%02d +0000] \"GET %s HTTP/1.1\" 200 %d \"-\" \"Debian APT-HTTP/1.3 (2.6.1)\"%n",
          ip, sec / 3600 % 24, sec / 60 % 60, sec % 60, path, 1000 + i));
      x.append(String.format("Sun Nov 24 %02d:%02d:%02d 2024 3 %s %d %s b _ o a anonymous@ ftp 0 * c%n",
          sec / 3600 % 24, sec / 60 % 60, sec % 60, ip, 1000 + i, path));
      r.append(String.format("2024/11/24 %02d:%02d:%02d [%d] send %s [%s] mirror () %s %d%n",
          sec / 3600 % 24, sec / 60 % 60, sec % 60, 1000 + i % 9000, ip, ip, path.substring(1), 1000 + i));
    }
    combined = c.toString().getBytes(StandardCharsets.UTF_8);
    xferlog = x.toString().getBytes(StandardCharsets.UTF_8);
    rsyncd = r.toString().getBytes(StandardCharsets.UTF_8);

    dir = Files.createTempDirectory("chasm-hot-bench");
    log = dir.resolve("access.log");
    String[] clients = new String[200_000];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = (1 + rnd.nextInt(223)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
    }
    try (BufferedWriter w = Files.newBufferedWriter(log)) {
      for (int n = 0; n < 300_000; n++) {
        int sec = n / 3; // a bit over a day: ranges stay open across steps, one day closes
        String ip = clients[(int) (clients.length * Math.pow(rnd.nextDouble(), 2))];
        boolean range = rnd.nextInt(3) == 0;
        w.write(String.format("%s - - [%02d/Nov/2024:%02d:%02d:%02d +0000] \"GET /pool/p%d.iso HTTP/1.1\" %d %d \"-\" \"curl/8\"%n",
            ip, 24 + sec / 86400, sec / 3600 % 24, sec / 60 % 60, sec % 60, rnd.nextInt(5000),
            range ? 206 : 200, range ? 1 << 20 : 4 << 20));
      }
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private long parse(String format, byte[] b, Blackhole bh) {
    LogReader reader = LogFormats.byName(format);
    long n = 0;
    int s = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        if (reader.parse(b, s, i, rec) == LogRecord.Kind.REQUEST) {
          n += rec.bytes;
        }
        s = i + 1;
      }
    }
    bh.consume(rec.epochSecond);
    return n;
  }

  @Benchmark
  public long parseCombined(Blackhole bh) {
    return parse("combined", combined, bh);
  }

  @Benchmark
  public long parseXferlog(Blackhole bh) {
    return parse("xferlog", xferlog, bh);
  }

  @Benchmark
  public long parseRsyncd(Blackhole bh) {
    return parse("rsyncd", rsyncd, bh);
  }

  @Setup(Level.Invocation)
  public void freshState() throws IOException {
    Path state = dir.resolve("state");
    if (Files.exists(state)) {
      try (Stream<Path> s = Files.walk(state)) {
        for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(p);
        }
      }
    }
  }

  @Benchmark
  public LogScanner.Result scanStateRanges() throws IOException {
    Path state = Files.createDirectories(dir.resolve("state"));
    LogScanner.Options o = new LogScanner.Options();
    o.format = "combined";
    o.threads = 1;
    o.stateDir = state;
    o.seeds = StepSeeds.derivedFrom(new byte[] {1});
    o.stepBytes = 4L << 20;
    return new LogScanner(o).scan(List.of(log), new StatsSpool(state.resolve("spool"), "mirror-a"));
  }
}
