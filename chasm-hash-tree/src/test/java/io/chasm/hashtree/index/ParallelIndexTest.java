package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.store.InMemoryObjectStore;
import io.chasm.hashtree.store.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index built on several threads (walkers that hash what they find, trees of large
 * subdirectories built on all cores) is the one built on a single thread, byte for byte.
 */
class ParallelIndexTest {
  @TempDir Path dir;

  @Test
  void severalThreadsBuildTheSingleThreadedIndex() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    // Subdirectories above TreeBuilder.FORK_MIN entries (forked), one nested, and small ones.
    write(tree.resolve("big-a"), TreeBuilder.FORK_MIN + 100, 0);
    write(tree.resolve("big-b/inner"), TreeBuilder.FORK_MIN + 50, 1);
    write(tree.resolve("big-b"), 40, 2);
    write(tree.resolve("small"), 7, 3);
    Files.writeString(tree.resolve("top.txt"), "top\n");
    Files.createSymbolicLink(tree.resolve("big-a/link"), Path.of("f00001.txt"));
    Files.write(tree.resolve("big-b/large.bin"), bytes(3 << 20));
    // Old enough to be trusted by stat, so neither run flags entries as racy.
    try (var s = Files.walk(tree)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
      }
    }

    IndexResult one;
    try (TreeIndex i = TreeIndex.open(tree, dir.resolve("state-1"), ChunkingParams.DEFAULT).threads(1)) {
      one = i.update();
    }
    IndexResult two;
    try (TreeIndex i = TreeIndex.open(tree, dir.resolve("state-2"), ChunkingParams.DEFAULT).threads(2)) {
      two = i.update();
    }

    assertThat(two.rootTree()).isEqualTo(one.rootTree());
    assertThat(two.files()).isEqualTo(one.files()).isGreaterThan(2 * TreeBuilder.FORK_MIN);
    assertThat(Files.readAllBytes(dir.resolve("state-2/index"))).isEqualTo(Files.readAllBytes(dir.resolve("state-1/index")));

    // A re-index on two threads after a change in a forked subtree matches a cold single-threaded one.
    Files.writeString(tree.resolve("big-b/inner/f00003.txt"), "changed\n");
    Files.setLastModifiedTime(tree.resolve("big-b/inner/f00003.txt"), FileTime.from(Instant.parse("2024-02-02T03:04:05Z")));
    IndexResult again;
    try (TreeIndex i = TreeIndex.open(tree, dir.resolve("state-2"), ChunkingParams.DEFAULT).threads(2)) {
      again = i.update();
    }
    IndexResult cold;
    try (TreeIndex i = TreeIndex.open(tree, dir.resolve("state-3"), ChunkingParams.DEFAULT).threads(1)) {
      cold = i.update();
    }
    assertThat(again.rootTree()).isEqualTo(cold.rootTree()).isNotEqualTo(one.rootTree());
    assertThat(again.rehashedFiles()).isEqualTo(1);
  }

  @Test
  void aStoreFailureInAForkedSubtree_failsTheRunWithItsIOException() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    write(tree.resolve("big-a"), TreeBuilder.FORK_MIN + 10, 0);
    write(tree.resolve("big-b"), TreeBuilder.FORK_MIN + 10, 1);
    InMemoryObjectStore backing = new InMemoryObjectStore();
    ObjectStore refusingTrees = new ObjectStore() {
      @Override
      public java.util.Optional<byte[]> get(io.chasm.api.ObjectId id) throws IOException {
        return backing.get(id);
      }

      @Override
      public void put(io.chasm.api.ObjectId id, byte[] encoded) throws IOException {
        if (id.kind() == io.chasm.api.ObjectKind.TREE) {
          throw new IOException("disk full (test)");
        }
        backing.put(id, encoded);
      }
    };
    Indexer indexer = new Indexer(tree, dir.resolve("state"), ChunkingParams.DEFAULT, refusingTrees, new IndexProgress(), 2);
    assertThatThrownBy(() -> indexer.run(new IndexTable(), null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("disk full (test)");
  }

  private static void write(Path d, int files, int seed) throws IOException {
    Files.createDirectories(d);
    for (int k = 0; k < files; k++) {
      String body = k % 3 == 0 ? "" : "file " + seed + "/" + k + "\n";
      Files.write(d.resolve(String.format("f%05d.txt", k)), body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }
}
