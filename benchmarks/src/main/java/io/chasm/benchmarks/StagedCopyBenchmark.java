package io.chasm.benchmarks;

import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.publish.StagingArea;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The unchanged part of a big file on a mirror, into its staged copy (issue 17, bench/bigfile.sh):
 * {@code vouched}, one kernel copy ({@link StagedFile#copyVouched}, sendfile) of a file the stat
 * index vouches for, against {@code hashed}, the path before it (read, SHA-256 and write each chunk,
 * {@link StagedFile#copyFrom}). 64 MiB, page cache warm; ms per file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StagedCopyBenchmark {
  private Path dir;
  private Path old;
  private FileManifest manifest;

  @Setup
  public void setup() throws IOException {
    dir = Files.createTempDirectory("chasm-staged-copy");
    byte[] data = new byte[64 << 20];
    new Random(1).nextBytes(data);
    old = dir.resolve("old.bin");
    Files.write(old, data);
    manifest = FileManifest.of(new Chunker().chunk(data));
  }

  @TearDown
  public void tearDown() throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private StagedFile fresh() throws IOException {
    StagingArea area = StagingArea.open(dir.resolve("staging"));
    area.clean(java.util.Set.of());
    return area.stage(manifest);
  }

  @Benchmark
  public Path vouched() throws Exception {
    StagedFile s = fresh();
    try (FileChannel src = FileChannel.open(old, StandardOpenOption.READ)) {
      s.copyVouched(0, manifest.chunkCount(), src, 0);
    }
    return s.finish(false);
  }

  @Benchmark
  public Path hashed() throws Exception {
    StagedFile s = fresh();
    for (int i = 0; i < manifest.chunkCount(); i++) {
      s.copyFrom(i, old, manifest.chunk(i).offset());
    }
    return s.finish(false);
  }
}
