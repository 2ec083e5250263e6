package io.chasm.hashtree.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.publish.MirrorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTest {
  @TempDir Path dir;

  @Test
  void acquire_heldElsewhere_namesTheDirectoryAndFreesAfterClose() throws Exception {
    try (StateLock held = StateLock.acquire(dir)) {
      assertThatThrownBy(() -> StateLock.acquire(dir))
          .isInstanceOf(IOException.class)
          .hasMessage(dir + ": in use by another chasm process");
    }
    StateLock.acquire(dir).close();
  }

  @Test
  void indexAndMirrorState_excludeEachOtherOnOneTree() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    try (TreeIndex index = TreeIndex.open(tree)) {
      assertThatThrownBy(() -> MirrorState.open(tree)).hasMessageContaining("in use by another chasm process");
    }
    try (MirrorState m = MirrorState.open(tree)) {
      assertThat(m.destination()).isEqualTo(tree.toAbsolutePath().normalize());
      assertThatThrownBy(() -> TreeIndex.open(tree)).hasMessageContaining("in use by another chasm process");
    }
  }
}
