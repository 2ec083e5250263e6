package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The index as a publishing daemon keeps it: opened again and again through one {@link
 * IndexCache} (the table stays in memory, the file is not read again), each run driven by the
 * journal of the watcher in the same JVM. After any sequence of edits it must equal a cold index
 * of the same tree, and the table in memory must equal the index file it wrote.
 */
class DaemonIndexPropertyTest {
  private static final int DIRS = 6;

  @Property(tries = 8)
  void cachedTablePatchedByTheJournal_equalsAColdIndex(@ForAll long seed) throws Exception {
    Path base = Files.createTempDirectory("chasm-daemon-index");
    try {
      Path tree = Files.createDirectories(base.resolve("t"));
      Path state = base.resolve("state");
      for (int d = 0; d < DIRS; d++) {
        Path dir = Files.createDirectories(tree.resolve("d" + d));
        for (int f = 0; f < 8; f++) {
          Files.writeString(dir.resolve("f" + f), "file " + d + "/" + f);
        }
      }
      TreeEdits.age(tree);
      IndexCache cache = new IndexCache();
      Random rnd = new Random(seed);
      try (IndexWatcher w = IndexWatcher.start(tree, state)) {
        run(tree, state, cache);
        for (int round = 0; round < 5; round++) {
          for (int e = 0; e < 1 + rnd.nextInt(6); e++) {
            try {
              TreeEdits.mutate(tree, DIRS, rnd);
            } catch (java.nio.file.FileSystemException refused) {
              // e.g. a rename onto a non-empty directory: that edit does not happen
            }
          }
          String walk;
          ObjectId root;
          try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT, cache)) {
            root = index.updateFromJournal(new IndexProgress()).rootTree();
            walk = index.lastWalk();
          }
          assertThat(walk).as("round %d", round).startsWith("journal: ");
          assertThat(root).as("round %d", round).isEqualTo(cold(base, tree));
          assertSameAsFile(cache, state);
        }
        assertThat(w.running()).isTrue();
      }
    } finally {
      TreeEdits.delete(base);
    }
  }

  private static void run(Path tree, Path state, IndexCache cache) throws IOException {
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT, cache)) {
      index.updateFromJournal(new IndexProgress());
    }
  }

  /** The cached table, column by column, is what the index file holds. */
  private static void assertSameAsFile(IndexCache cache, Path state) throws Exception {
    IndexCache.Cached c = cache.lookup(state.resolve("index"));
    assertThat(c).as("the cache matches the file it wrote").isNotNull();
    IndexFile.Loaded f = IndexFile.read(state.resolve("index"));
    IndexTable a = c.table();
    IndexTable b = f.table();
    assertThat(c.root()).isEqualTo(f.root());
    assertThat(a.count).isEqualTo(b.count);
    for (int i = 0; i < a.count; i++) {
      assertThat(a.path(i)).isEqualTo(b.path(i));
      assertThat(a.kinds[i]).isEqualTo(b.kinds[i]);
      assertThat(new long[] {a.dev[i], a.ino[i], a.size[i], a.mtime[i], a.ctime[i]})
          .isEqualTo(new long[] {b.dev[i], b.ino[i], b.size[i], b.mtime[i], b.ctime[i]});
      assertThat(java.util.Arrays.copyOfRange(a.ids, i * 32, i * 32 + 32)).isEqualTo(java.util.Arrays.copyOfRange(b.ids, i * 32, i * 32 + 32));
      assertThat(a.chunks(i)).isEqualTo(b.chunks(i));
      if (a.kind(i) == IndexTable.SYMLINK) {
        assertThat(a.linkTargets.get(i)).isEqualTo(b.linkTargets.get(i));
      }
    }
  }

  private static ObjectId cold(Path base, Path tree) throws IOException {
    Path s = Files.createTempDirectory(base, "cold");
    try (TreeIndex c = TreeIndex.open(tree, s, ChunkingParams.DEFAULT)) {
      return c.update().rootTree();
    }
  }
}
