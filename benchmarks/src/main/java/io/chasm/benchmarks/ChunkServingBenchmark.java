package io.chasm.benchmarks;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.wire.serve.PublishedTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
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
 * A server reading chunks from its live files for a sync (issue 17: 58 % of the server's samples):
 * 32 MiB of chunks asked in the server's batches of 16, in file order as a sync asks for them,
 * from a published tree (files in the page cache, every chunk re-hashed). {@code perChunk} is the
 * old path (open, read, hash, close per chunk: {@link PublishedTree#chunk}); {@code batched} the
 * new one ({@link PublishedTree#chunks}: one open per file per batch, a positional read per
 * chunk into the array sent). {@code fileSize} 4 MiB: runs of ~64 KiB chunks; 16 KiB: one chunk per file,
 * where batching cannot help and must not cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ChunkServingBenchmark {
  private static final int TOTAL = 32 << 20;
  private static final int BATCH = 16;

  @Param({"4194304", "16384"})
  int fileSize;

  private Path dir;
  private PublishedTree tree;
  private String repo;
  private final List<List<Hash>> batches = new ArrayList<>();

  @Setup
  public void setup() throws Exception {
    dir = Files.createTempDirectory("chasm-serve-bench");
    Path root = dir.resolve("tree");
    Random rnd = new Random(3);
    for (int i = 0; i < TOTAL / fileSize; i++) {
      byte[] b = new byte[fileSize];
      rnd.nextBytes(b);
      Path f = root.resolve(String.format("d%02d/f%05d", i % 64, i));
      Files.createDirectories(f.getParent());
      Files.write(f, b);
    }
    Path state = dir.resolve("state");
    List<Hash> ids = new ArrayList<>();
    try (TreeIndex index = TreeIndex.open(root, state, ChunkingParams.DEFAULT)) {
      index.update();
      index.publish("bench", Duration.ofDays(1), Ed25519.generate());
      collect(index.objects(), index.rootTree().orElseThrow(), ids);
    }
    for (int i = 0; i < ids.size(); i += BATCH) {
      batches.add(List.copyOf(ids.subList(i, Math.min(ids.size(), i + BATCH))));
    }
    tree = PublishedTree.open(root, state, Set.of());
    repo = tree.repository();
  }

  private static void collect(ObjectStore store, ObjectId tree, List<Hash> out) throws Exception {
    for (TreeEntry e : store.tree(tree).entries()) {
      if (e.kind() == EntryKind.DIRECTORY) {
        collect(store, e.id(), out);
      } else if (e.kind() == EntryKind.FILE) {
        for (Chunk c : store.manifest(e.id()).chunks()) {
          out.add(c.id());
        }
      }
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    tree.close();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The old path: each chunk opened, read, hashed and closed on its own. */
  @Benchmark
  public long perChunk() throws Exception {
    long bytes = 0;
    for (List<Hash> batch : batches) {
      for (Hash id : batch) {
        bytes += tree.chunk(repo, id).orElseThrow().length;
      }
    }
    return check(bytes);
  }

  /** The new path: a batch at a time, as {@code ItemServer} asks. */
  @Benchmark
  public long batched() throws Exception {
    long bytes = 0;
    for (List<Hash> batch : batches) {
      for (Optional<byte[]> d : tree.chunks(repo, batch)) {
        bytes += d.orElseThrow().length;
      }
    }
    return check(bytes);
  }

  private static long check(long bytes) {
    if (bytes != TOTAL) {
      throw new IllegalStateException("served " + bytes + " bytes, expected " + TOTAL);
    }
    return bytes;
  }
}
