package io.chasm.benchmarks;

import io.chasm.api.HashAlgorithm;
import io.chasm.hashtree.chunk.Chunker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * FastCDC chunking + SHA-256 of every chunk ({@link Chunker}, default 16/64/256 KiB) against plain
 * {@link MessageDigest} SHA-256 over the same buffer: the price of content-defined chunking.
 * {@code bench/jmh.sh} prints the ratio.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkHashBenchmark {
  @Param({"1048576", "16777216"})
  int size;

  private byte[] data;
  private Chunker chunker;
  private MessageDigest sha256;
  private long chunks;
  private ExecutorService pool;

  @Setup
  public void setup() {
    data = new byte[size];
    new Random(1).nextBytes(data);
    chunker = new Chunker();
    sha256 = HashAlgorithm.SHA_256.newDigest();
    pool = Executors.newFixedThreadPool(2);
  }

  /** Chunk boundaries and one SHA-256 per chunk. */
  @Benchmark
  public long chunkAndHash() throws IOException {
    chunks = 0;
    chunker.chunk(data, 0, data.length, (c, b, o) -> chunks++);
    return chunks;
  }

  /**
   * The same with chunk hashing on a 2-thread pool while this thread cuts ({@link
   * Chunker#chunkParallel}); uses more than one core, so compare it with care.
   */
  @Benchmark
  public int chunkAndHashParallel() throws IOException {
    return chunker.chunkParallel(Channels.newChannel(new ByteArrayInputStream(data)), pool).size();
  }

  @TearDown
  public void tearDown() {
    pool.shutdownNow();
  }

  /** One SHA-256 over the whole buffer: the hashing limit. */
  @Benchmark
  public void sha256Only(Blackhole bh) {
    sha256.update(data, 0, data.length);
    bh.consume(sha256.digest());
  }
}
