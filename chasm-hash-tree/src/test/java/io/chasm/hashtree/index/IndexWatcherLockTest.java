package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.hashtree.chunk.ChunkingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal read in the watcher's own JVM (a daemon that publishes) must leave the watcher's lock
 * held: other processes trust the journal only while it is. Closing any channel of a file drops
 * every POSIX lock the process holds on it, so probing the lock from the same JVM used to release it.
 */
class IndexWatcherLockTest {
  @TempDir Path dir;

  @Test
  @EnabledOnOs(OS.LINUX)
  void journalReadInTheWatchersJvm_keepsItsLock() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("t"));
    Path state = dir.resolve("state");
    Files.writeString(tree.resolve("a"), "a");
    try (IndexWatcher w = IndexWatcher.start(tree, state);
        TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      assertThat(lockedByUs(state)).as("locked after start").isTrue();
      index.updateFromJournal(new IndexProgress());
      Files.writeString(tree.resolve("b"), "b");
      index.updateFromJournal(new IndexProgress());
      assertThat(index.lastWalk()).startsWith("journal: ");
      assertThat(lockedByUs(state)).as("still locked after two journal reads").isTrue();
    }
    assertThat(lockedByUs(state)).as("released on close").isFalse();
  }

  /** Whether /proc/locks lists a lock of this process on the watcher's lock file. */
  private static boolean lockedByUs(Path state) throws Exception {
    Object key = Files.readAttributes(state.resolve(DirtyJournal.LOCK), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    // fileKey prints as (dev=XXX,ino=NNN)
    String ino = key.toString().replaceAll(".*ino=([0-9]+).*", "$1");
    String pid = Long.toString(ProcessHandle.current().pid());
    for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 5 && f[4].equals(pid) && f[5].endsWith(":" + ino)) {
        return true;
      }
    }
    return false;
  }
}
