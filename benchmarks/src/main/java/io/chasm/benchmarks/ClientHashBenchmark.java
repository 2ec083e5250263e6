package io.chasm.benchmarks;

import io.chasm.stats.internal.ClientHashes;
import io.chasm.stats.internal.PeriodSecrets;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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

/**
 * The stats agent's keyed client hash (issue 15): 100,000 client addresses through
 * {@link ClientHashes}, with SipHash-2-4 keys ({@code siphash}) and with the former HMAC-SHA256
 * keys ({@code hmac}, what a window an earlier release opened still uses). {@code firstSeen}
 * moves day, week and month on every call, so each address costs three keyed hashes (a cache
 * miss per window, the cost of a client's first line in a window); {@code cached} repeats one
 * day, so all but the first call are cache hits. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar ClientHash}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class ClientHashBenchmark {
  private static final int CLIENTS = 100_000;
  @Param({"siphash", "hmac"})
  public String hash;
  private byte[] buf;
  private int[] starts;
  private ClientHashes hashes;
  private long window = 20_000;

  @Setup
  public void setup() {
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32], hash.equals("hmac"));
    hashes = new ClientHashes(secrets);
    Random rnd = new Random(1);
    StringBuilder b = new StringBuilder();
    starts = new int[CLIENTS + 1];
    for (int i = 0; i < CLIENTS; i++) {
      starts[i] = b.length();
      if (i % 5 == 0) {
        b.append(String.format("2001:db8:%x:%x::%x", rnd.nextInt(65536), rnd.nextInt(65536), rnd.nextInt(65536)));
      } else {
        b.append(1 + rnd.nextInt(223)).append('.').append(rnd.nextInt(256)).append('.')
            .append(rnd.nextInt(256)).append('.').append(1 + rnd.nextInt(254));
      }
    }
    starts[CLIENTS] = b.length();
    buf = b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private long all(long day, long week, long month) {
    long acc = 0;
    for (int i = 0; i < CLIENTS; i++) {
      hashes.of(day, week, month, buf, starts[i], starts[i + 1]);
      acc ^= hashes.day ^ hashes.week ^ hashes.month;
    }
    return acc;
  }

  @Benchmark
  public long firstSeen() {
    long w = window++;
    return all(w, w, w);
  }

  @Benchmark
  public long cached() {
    return all(20_000, 2_857, 657);
  }
}
