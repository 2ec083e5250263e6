package io.chasm.benchmarks;

import io.chasm.api.Hash;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.merkle.ManifestDelta;
import java.util.ArrayList;
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
 * A 4 GiB file's manifest (65,536 chunks) with one changed chunk (SPEC §9.21): the server's
 * {@code diff}, the client's {@code apply} plus the decode that verifies the file id, against
 * {@code decodeWhole}, the client's work when the manifest comes whole. ms per manifest.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ManifestDeltaBenchmark {
  private FileManifest base;
  private FileManifest target;
  private byte[] delta;
  private byte[] whole;

  @Setup
  public void setup() {
    Random r = new Random(1);
    List<Chunk> a = new ArrayList<>();
    List<Chunk> b = new ArrayList<>();
    long off = 0;
    for (int i = 0; i < 65_536; i++) {
      int len = 65_536;
      Hash id = Hash.sha256(Long.toString(r.nextLong()).getBytes());
      a.add(new Chunk(off, len, id));
      b.add(new Chunk(off, len, i == 32_768 ? Hash.sha256("changed".getBytes()) : id));
      off += len;
    }
    base = FileManifest.of(a);
    target = FileManifest.of(b);
    delta = ManifestDelta.diff(base, target);
    whole = target.encode();
  }

  @Benchmark
  public byte[] diff() {
    return ManifestDelta.diff(base, target);
  }

  @Benchmark
  public FileManifest applyAndVerify() throws Exception {
    return FileManifest.decode(ManifestDelta.apply(base, delta), target.id());
  }

  @Benchmark
  public FileManifest decodeWhole() throws Exception {
    return FileManifest.decode(whole, target.id());
  }
}
