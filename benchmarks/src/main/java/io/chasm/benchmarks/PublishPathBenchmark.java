package io.chasm.benchmarks;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexCache;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.publish.ManifestChunkLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The two per-publish costs an origin daemon no longer pays in proportion to the tree (issue 17,
 * publish in O(changes)), on 20,000 tiny files in 20 directories with 1% of them appended to:
 * the served snapshot's chunk locator built from every manifest ({@code locatorBuild}, what each
 * new snapshot cost before) or derived from the previous one ({@code locatorUpdate}); and opening
 * the index by reading the {@code index} file ({@code openFromFile}) or from the daemon's {@link
 * IndexCache} ({@code openCached}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class PublishPathBenchmark {
  private static final int DIRS = 20;
  private static final int PER_DIR = 1000;

  private Path dir;
  private Path tree;
  private Path state;
  private TreeIndex index;
  private ObjectId before;
  private ObjectId after;
  private ManifestChunkLocator previous;
  private final IndexCache cache = new IndexCache();

  @Setup
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("chasm-publish-bench");
    tree = Files.createDirectories(dir.resolve("tree"));
    state = dir.resolve("state");
    for (int d = 0; d < DIRS; d++) {
      Path sub = Files.createDirectories(tree.resolve(String.format("d%02d", d)));
      for (int f = 0; f < PER_DIR; f++) {
        Files.writeString(sub.resolve(String.format("f%04d", f)), "file " + d + "/" + f + "\n");
      }
    }
    age();
    index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT);
    before = index.update().rootTree();
    Random rnd = new Random(17);
    for (int i = 0; i < DIRS * PER_DIR / 100; i++) {
      Path f = tree.resolve(String.format("d%02d/f%04d", rnd.nextInt(DIRS), rnd.nextInt(PER_DIR)));
      Files.writeString(f, "touched\n", StandardOpenOption.APPEND);
    }
    age();
    after = index.update().rootTree();
    previous = ManifestChunkLocator.build(tree, index.objects(), before);
    index.close();
    index = null;
    try (TreeIndex warm = TreeIndex.open(tree, state, ChunkingParams.DEFAULT, cache)) {
      warm.size();
    }
  }

  private void age() throws Exception {
    // One fixed time: only the touched files' entries differ between the two snapshots.
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    try (Stream<Path> s = Files.walk(tree)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, old);
      }
    }
  }

  @Benchmark
  public int locatorBuild() throws Exception {
    try (TreeIndex i = TreeIndex.open(tree, state, ChunkingParams.DEFAULT, cache)) {
      return ManifestChunkLocator.build(tree, i.objects(), after).size();
    }
  }

  @Benchmark
  public int locatorUpdate() throws Exception {
    try (TreeIndex i = TreeIndex.open(tree, state, ChunkingParams.DEFAULT, cache)) {
      return ManifestChunkLocator.update(previous, before, tree, i.objects(), after).size();
    }
  }

  @Benchmark
  public int openFromFile() throws Exception {
    try (TreeIndex i = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      return i.size();
    }
  }

  @Benchmark
  public int openCached() throws Exception {
    try (TreeIndex i = TreeIndex.open(tree, state, ChunkingParams.DEFAULT, cache)) {
      return i.size();
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
