package io.chasm.benchmarks;

import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.scan.StepSeeds;
import io.chasm.wire.stats.StatsSpool;
import java.io.BufferedWriter;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole scan of a synthetic combined log (Zipf paths and clients, like
 * {@code shared/bench/gen-mirror-log.py}) on one thread, as a one-off report ({@code scanReport})
 * and as the agent runs it with {@code --state} ({@code scanState}: checkpoints and a batch spool
 * in a temporary directory): the price of the production mode, side by side (issue 15).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class StatsScanBenchmark {
  @Param({"200000"})
  int lines;

  private Path dir;
  private Path log;
  private Path state;

  @Setup
  public void setup() throws IOException {
    dir = Files.createTempDirectory("chasm-scan-bench");
    log = dir.resolve("access.log");
    Random rnd = new Random(1);
    String[] paths = new String[20_000];
    for (int i = 0; i < paths.length; i++) {
      paths[i] = "/debian/pool/main/p/pkg" + i + "/pkg" + i + "_" + (i % 7) + ".deb";
    }
    String[] clients = new String[50_000];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = (1 + rnd.nextInt(223)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "."
          + (1 + rnd.nextInt(254));
    }
    try (BufferedWriter w = Files.newBufferedWriter(log)) {
      double t = 0;
      for (int n = 0; n < lines; n++) {
        t += rnd.nextDouble() * 0.05;
        int sec = (int) t;
        String path = paths[(int) (paths.length * Math.pow(rnd.nextDouble(), 3))];
        String ip = clients[(int) (clients.length * Math.pow(rnd.nextDouble(), 3))];
        w.write(String.format("%s - - [24/Nov/2024:%02d:%02d:%02d +0000] \"GET %s HTTP/1.1\" 200 %d \"-\" \"Debian APT-HTTP/1.3 (2.6.1)\"\n",
            ip, (sec / 3600) % 24, (sec / 60) % 60, sec % 60, path, 1000 + rnd.nextInt(100_000)));
      }
    }
  }

  @Setup(Level.Invocation)
  public void freshState() throws IOException {
    state = dir.resolve("state");
    delete(state);
  }

  @TearDown
  public void tearDown() throws IOException {
    delete(dir);
  }

  private static void delete(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(x);
        }
      }
    }
  }

  private LogScanner scanner(Path stateDir) {
    LogScanner.Options o = new LogScanner.Options();
    o.format = "combined";
    o.threads = 1;
    o.stateDir = stateDir;
    o.seeds = StepSeeds.derivedFrom(new byte[] {1});
    o.stepBytes = 8L << 20;
    return new LogScanner(o);
  }

  @Benchmark
  public LogScanner.Result scanReport() throws IOException {
    return scanner(null).scan(List.of(log), null);
  }

  @Benchmark
  public LogScanner.Result scanState() throws IOException {
    Files.createDirectories(state);
    return scanner(state).scan(List.of(log), new StatsSpool(state.resolve("spool"), "mirror-a"));
  }
}
