package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TreeIndex#updateFromJournal} with a real {@link IndexWatcher} (inotify): it must see
 * every change a full walk sees, stat only the changed part, and walk everything when the journal
 * cannot be trusted.
 */
class JournalIndexTest {
  private static final int DIRS = 20;
  private static final int FILES = 20;
  private Path base;
  private Path tree;
  private Path state;

  @BeforeEach
  void setUp() throws IOException {
    base = Files.createTempDirectory("chasm-journal");
    tree = Files.createDirectories(base.resolve("t"));
    state = base.resolve("state");
    for (int d = 0; d < DIRS; d++) {
      Path dir = Files.createDirectories(tree.resolve("d" + d));
      for (int f = 0; f < FILES; f++) {
        Files.writeString(dir.resolve("f" + f), "file " + d + "/" + f);
      }
    }
    age(tree);
  }

  @AfterEach
  void tearDown() throws IOException {
    delete(base);
  }

  @Test
  void changeWhileWatching_isIndexedAndOnlyTheChangedPartIsStatted() throws Exception {
    try (IndexWatcher w = IndexWatcher.start(tree, state);
        TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      index.updateFromJournal(new IndexProgress());
      assertThat(index.lastWalk()).startsWith("full: ");
      Files.writeString(tree.resolve("d3/f7"), "changed");
      Files.writeString(tree.resolve("d5/new"), "new");
      Files.delete(tree.resolve("d9/f1"));
      IndexProgress p = new IndexProgress();
      IndexResult r = index.updateFromJournal(p);
      assertThat(index.lastWalk()).startsWith("journal: ");
      assertThat(r.rootTree()).isEqualTo(cold());
      // the three paths and their two... three parent directories at most; the tree has 420 entries
      assertThat(p.entriesSeen()).isBetween(2L, 10L);
      assertThat(r.rehashedFiles()).isEqualTo(2);
    }
  }

  @Test
  void overflow_walksEverything_thenJournalAgain() throws Exception {
    try (IndexWatcher w = IndexWatcher.start(tree, state);
        TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      index.updateFromJournal(new IndexProgress());
      w.simulateOverflow();
      Files.writeString(tree.resolve("d1/f1"), "after overflow");
      IndexProgress p = new IndexProgress();
      IndexResult r = index.updateFromJournal(p);
      assertThat(index.lastWalk()).startsWith("full: the watcher lost events");
      assertThat(p.entriesSeen()).isEqualTo(DIRS + DIRS * FILES);
      assertThat(r.rootTree()).isEqualTo(cold());
      Files.writeString(tree.resolve("d2/f2"), "journalled");
      IndexResult again = index.updateFromJournal(new IndexProgress());
      assertThat(index.lastWalk()).startsWith("journal: ");
      assertThat(again.rootTree()).isEqualTo(cold());
    }
  }

  @Test
  void watcherGone_walksEverything() throws Exception {
    IndexWatcher w = IndexWatcher.start(tree, state);
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      index.updateFromJournal(new IndexProgress());
      w.close();
      // the journal and the lock file stay behind, as after a crash; the lock itself does not
      assertThat(state.resolve(DirtyJournal.JOURNAL)).exists();
      Files.writeString(tree.resolve("d4/f4"), "while nobody watched");
      IndexProgress p = new IndexProgress();
      IndexResult r = index.updateFromJournal(p);
      assertThat(index.lastWalk()).isEqualTo("full: no index watcher running");
      assertThat(p.entriesSeen()).isEqualTo(DIRS + DIRS * FILES);
      assertThat(r.rootTree()).isEqualTo(cold());
    }
  }

  @Test
  void restartedWatcher_walksEverythingOnce() throws Exception {
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      try (IndexWatcher w = IndexWatcher.start(tree, state)) {
        index.updateFromJournal(new IndexProgress());
      }
      Files.writeString(tree.resolve("d6/f6"), "between two watchers");
      try (IndexWatcher w = IndexWatcher.start(tree, state)) {
        IndexResult r = index.updateFromJournal(new IndexProgress());
        assertThat(index.lastWalk()).startsWith("full: ");
        assertThat(r.rootTree()).isEqualTo(cold());
      }
    }
  }

  @Test
  void deletesAndRenamesOfFilesAndDirectories() throws Exception {
    try (IndexWatcher w = IndexWatcher.start(tree, state);
        TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      index.updateFromJournal(new IndexProgress());
      Files.move(tree.resolve("d1"), tree.resolve("moved"));
      delete(tree.resolve("d2"));
      Files.move(tree.resolve("d3/f3"), tree.resolve("d3/renamed"));
      Files.move(tree.resolve("d4/f4"), tree.resolve("d5/from-d4"));
      Files.createDirectories(tree.resolve("new/a/b"));
      Files.writeString(tree.resolve("new/a/b/deep"), "deep");
      Files.move(tree.resolve("d6"), tree.resolve("d7/d6-inside"));
      assertThat(index.updateFromJournal(new IndexProgress()).rootTree()).isEqualTo(cold());
      assertThat(index.lastWalk()).startsWith("journal: ");
      // a watched directory moved away and back: events inside must name where it is now
      Files.move(tree.resolve("moved"), tree.resolve("d1"));
      Files.writeString(tree.resolve("d1/f0"), "edited after the move back");
      Files.move(tree.resolve("d7/d6-inside"), tree.resolve("d6"));
      Files.writeString(tree.resolve("d6/f0"), "edited after the move out");
      assertThat(index.updateFromJournal(new IndexProgress()).rootTree()).isEqualTo(cold());
      assertThat(index.lastWalk()).startsWith("journal: ");
      Files.setPosixFilePermissions(tree.resolve("d8/f8"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(tree.resolve("d9"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      assertThat(index.updateFromJournal(new IndexProgress()).rootTree()).isEqualTo(cold());
    }
  }

  @Property(tries = 6)
  void randomChanges_giveTheSnapshotOfAFullWalk(@ForAll long seed) throws Exception {
    setUp();
    try (IndexWatcher w = IndexWatcher.start(tree, state);
        TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      index.updateFromJournal(new IndexProgress());
      Random rnd = new Random(seed);
      for (int round = 0; round < 4; round++) {
        for (int e = 0; e < 1 + rnd.nextInt(6); e++) {
          try {
            mutate(rnd);
          } catch (java.nio.file.FileSystemException ignored) {
            // e.g. a rename onto a non-empty directory: that change just does not happen
          }
        }
        IndexResult r = index.updateFromJournal(new IndexProgress());
        assertThat(index.lastWalk()).startsWith("journal: ");
        assertThat(r.rootTree()).isEqualTo(cold());
      }
    } finally {
      tearDown();
    }
  }

  private void mutate(Random rnd) throws IOException {
    TreeEdits.mutate(tree, DIRS, rnd);
  }

  /** The root a cold index in a fresh state directory gives. */
  private ObjectId cold() throws IOException {
    Path s = Files.createTempDirectory(base, "cold");
    try (TreeIndex c = TreeIndex.open(tree, s, ChunkingParams.DEFAULT)) {
      return c.update().rootTree();
    }
  }

  private static void age(Path t) throws IOException {
    TreeEdits.age(t);
  }

  private static void delete(Path p) throws IOException {
    TreeEdits.delete(p);
  }
}
