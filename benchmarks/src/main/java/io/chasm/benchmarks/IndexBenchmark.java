package io.chasm.benchmarks;

import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.TreeIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The index's hot paths that issue 17 changed: the no-change re-index (walk into per-directory
 * columns, compare with the previous table, keep that table when nothing moved), and a cold index
 * (walkers that hash what they find into paged result columns, layout, trees built on all cores,
 * the index file streamed out). {@code shape}: "tiny" files (per-file costs), or "mixed", a tenth
 * of them 64 KiB of random bytes (chunking and SHA-256 on the walkers).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IndexBenchmark {
  @Param({"20000"})
  int files;

  @Param({"tiny", "mixed"})
  String shape;

  private Path base;
  private Path tree;
  private Path state;
  private TreeIndex open;
  private int cold;

  @Setup
  public void setup() throws IOException {
    base = Files.createTempDirectory("chasm-index-bench");
    tree = Files.createDirectories(base.resolve("tree"));
    for (int i = 0; i < files; i++) {
      Path d = Files.createDirectories(tree.resolve("d" + (i / 200)));
      if (shape.equals("mixed") && i % 10 == 0) {
        byte[] b = new byte[64 << 10];
        new java.util.Random(i).nextBytes(b);
        Files.write(d.resolve("f" + i + ".bin"), b);
      } else {
        Files.writeString(d.resolve("f" + i + ".txt"), i % 2 == 0 ? "" : "file " + i + "\n");
      }
    }
    state = base.resolve("state");
    open = TreeIndex.open(tree, state, ChunkingParams.DEFAULT);
    open.update();
  }

  @TearDown
  public void tearDown() throws IOException {
    open.close();
    try (Stream<Path> s = Files.walk(base)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A re-index that finds nothing changed, index already in memory. */
  @Benchmark
  public long reindexNoChange() throws IOException {
    IndexResult r = open.update();
    return r.rehashedFiles();
  }

  /** A cold index into a fresh state directory (walk, hash every file, lay out, write). */
  @Benchmark
  public long coldIndex() throws IOException {
    Path fresh = base.resolve("cold" + cold++);
    try (TreeIndex index = TreeIndex.open(tree, fresh, ChunkingParams.DEFAULT)) {
      return index.update().rehashedFiles();
    }
  }
}
