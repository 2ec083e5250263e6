package io.chasm.benchmarks;

import com.github.luben.zstd.ZstdCompressCtx;
import io.chasm.wire.internal.ChunkCodec;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's per-chunk compression decision ({@link ChunkCodec#compressIfSmaller}, which probes a
 * 4 KiB slice before compressing a chunk of 16 KiB or more) against what it did before: compress
 * every chunk whole with the same zstd level and keep the result if it saved a sixteenth
 * ({@code wholeChunk}). {@code incompressible} is random bytes (a chunk of a .gz or .deb),
 * {@code text} a chunk of a Packages-like file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkCodecBenchmark {
  @Param({"incompressible", "text"})
  String data;

  @Param({"65536"})
  int size;

  private byte[] chunk;
  private ChunkCodec codec;
  private ZstdCompressCtx whole;

  @Setup
  public void setup() {
    chunk = new byte[size];
    Random r = new Random(7);
    if (data.equals("text")) {
      String[] words = {"Package: ", "Version: 1.2-3 ", "Depends: libc6 ", "SHA256: ", "Filename: pool/main/", "\n"};
      StringBuilder sb = new StringBuilder();
      while (sb.length() < size) {
        sb.append(words[r.nextInt(words.length)]).append(Integer.toHexString(r.nextInt()));
      }
      chunk = sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    } else {
      r.nextBytes(chunk);
    }
    codec = new ChunkCodec();
    whole = new ZstdCompressCtx().setLevel(ChunkCodec.LEVEL);
  }

  @TearDown
  public void tearDown() {
    codec.close();
    whole.close();
  }

  @Benchmark
  public byte[] probed() {
    return codec.compressIfSmaller(chunk);
  }

  @Benchmark
  public byte[] wholeChunk() {
    byte[] c = whole.compress(chunk);
    return c.length <= chunk.length - (chunk.length >> 4) ? c : null;
  }
}
