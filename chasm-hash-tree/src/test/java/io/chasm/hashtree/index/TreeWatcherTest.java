package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changes anywhere in the tree, new directories included, end in one call once the tree is quiet. */
class TreeWatcherTest {
  @TempDir Path tree;

  @Test
  void changeInANewDirectory_thenQuiet_callsBack() throws Exception {
    Files.createDirectories(tree.resolve(".chasm"));
    Semaphore calls = new Semaphore(0);
    try (TreeWatcher w = TreeWatcher.start(tree, List.of(tree.resolve(".chasm")), Duration.ofMillis(150),
        Duration.ofMillis(100), calls::release)) {
      Files.createDirectories(tree.resolve("a/b"));
      Files.writeString(tree.resolve("a/b/f"), "1");
      assertThat(calls.tryAcquire(30, TimeUnit.SECONDS)).as("first change").isTrue();
      Files.writeString(tree.resolve("a/b/f"), "2");
      assertThat(calls.tryAcquire(30, TimeUnit.SECONDS)).as("change in a directory created after the start").isTrue();
    }
  }

  @Test
  void writesToTheStaticExport_doNotCount() throws Exception {
    Semaphore calls = new Semaphore(0);
    try (TreeWatcher w = TreeWatcher.start(tree, List.of(), Duration.ofMillis(150), Duration.ofMillis(100), calls::release)) {
      Path export = tree.resolve(io.chasm.hashtree.tree.ExportLayout.DIR);
      Files.createDirectories(export.resolve("objects/tree/ab"));
      Files.writeString(export.resolve("objects/tree/ab/abcd"), "object");
      Files.writeString(export.resolve("head"), "head");
      // Waiting can only hide a wrong call on a slow machine, never invent one.
      assertThat(calls.tryAcquire(3, TimeUnit.SECONDS)).as("a call for the export's writes").isFalse();
      Files.writeString(tree.resolve("f"), "1");
      assertThat(calls.tryAcquire(30, TimeUnit.SECONDS)).as("a change in the tree").isTrue();
    }
  }
}
