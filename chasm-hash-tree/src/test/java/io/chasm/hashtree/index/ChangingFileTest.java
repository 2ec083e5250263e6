package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.store.InMemoryObjectStore;
import io.chasm.hashtree.tree.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written to while being hashed (stat before and after each read). */
class ChangingFileTest {
  @TempDir Path dir;

  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private static void append(Path p) throws IOException {
    Files.write(p, new byte[] {'+'}, StandardOpenOption.APPEND);
  }

  /** What stands between the hasher and the disk: reads the file, then {@code afterRead} runs. */
  interface AfterRead {
    void accept(Path p) throws IOException;
  }

  private Indexer.Outcome index(AfterRead afterRead) throws IOException {
    FileHasher.ContentReader reader = (chunker, p, limit, out) -> {
      long n = chunker.chunk(p, limit, out);
      afterRead.accept(p);
      return n;
    };
    Indexer indexer = new Indexer(dir, dir.resolve(".chasm"), ChunkingParams.DEFAULT, store, new IndexProgress(),
        Runtime.getRuntime().availableProcessors(), reader);
    return indexer.run(new IndexTable(), null);
  }

  @Test
  void emptyFileWrittenWhileHashed_rehashedAndRecordedWithFinalContent() throws Exception {
    // An empty file is not even opened; its stat afterwards is what catches the write.
    Path f = Files.writeString(dir.resolve("was-empty"), "");
    AtomicInteger calls = new AtomicInteger();
    Indexer.Outcome r = index(p -> {
      if (p.endsWith("was-empty") && calls.getAndIncrement() == 0) {
        append(p);
      }
    });
    assertThat(calls.get()).isEqualTo(2);
    assertThat(store.tree(r.root()).entry("was-empty").size()).isEqualTo(1);
    assertThat(store.tree(r.root()).entry("was-empty").id()).isEqualTo(FileManifest.of(new Chunker().chunk(f)).id());
  }

  @Test
  void changedOnceWhileHashed_rehashedAndRecordedWithFinalContent() throws Exception {
    Path f = Files.writeString(dir.resolve("growing.log"), "x".repeat(50_000));
    AtomicInteger calls = new AtomicInteger();
    Indexer.Outcome r = index(p -> {
      if (p.endsWith("growing.log") && calls.getAndIncrement() == 0) {
        append(p);
      }
    });
    assertThat(calls.get()).isEqualTo(2);
    Tree root = store.tree(r.root());
    assertThat(root.entry("growing.log").size()).isEqualTo(50_001);
    assertThat(root.entry("growing.log").id()).isEqualTo(FileManifest.of(new Chunker().chunk(f)).id());
  }

  @Test
  void keepsChanging_reportedByPath() throws Exception {
    Files.writeString(dir.resolve("busy.log"), "y".repeat(10_000));
    assertThatThrownBy(() -> index(ChangingFileTest::append))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("busy.log")
        .hasMessageContaining("kept changing");
  }
}
