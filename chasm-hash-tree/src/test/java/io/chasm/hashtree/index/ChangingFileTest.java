package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written to while being hashed (stat before and after each read). */
class ChangingFileTest {
  @TempDir Path dir;

  @AfterEach
  void clearHook() {
    Indexer.afterReadForTest = null;
  }

  private static void append(Path p) throws IOException {
    Files.write(p, new byte[] {'+'}, StandardOpenOption.APPEND);
  }

  @Test
  void changedOnceWhileHashed_rehashedAndRecordedWithFinalContent() throws Exception {
    Path f = Files.writeString(dir.resolve("growing.log"), "x".repeat(50_000));
    AtomicInteger calls = new AtomicInteger();
    Indexer.afterReadForTest = p -> {
      if (p.endsWith("growing.log") && calls.getAndIncrement() == 0) {
        append(p);
      }
    };
    try (TreeIndex index = TreeIndex.open(dir, dir.resolve(".chasm"), io.chasm.hashtree.chunk.ChunkingParams.DEFAULT)) {
      IndexResult r = index.update();
      assertThat(calls.get()).isEqualTo(2);
      Tree root = index.objects().tree(r.rootTree());
      assertThat(root.entry("growing.log").size()).isEqualTo(50_001);
      assertThat(root.entry("growing.log").id()).isEqualTo(FileManifest.of(new Chunker().chunk(f)).id());
    }
  }

  @Test
  void keepsChanging_reportedByPath() throws Exception {
    Files.writeString(dir.resolve("busy.log"), "y".repeat(10_000));
    Indexer.afterReadForTest = ChangingFileTest::append;
    try (TreeIndex index = TreeIndex.open(dir, dir.resolve(".chasm"), io.chasm.hashtree.chunk.ChunkingParams.DEFAULT)) {
      assertThatThrownBy(index::update)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("busy.log")
          .hasMessageContaining("kept changing");
    }
  }
}
