package io.chasm.wire.sync;

import io.chasm.testkit.Trees;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.wire.serve.PublishedTree;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving from live files: a damaged file is refused by default, sent as-is when checking is off. */
class PublishedTreeChunkCheckTest {
  @TempDir Path dir;

  @Test
  void damagedLiveFile_refusedWhenChecking_sentAsIsWhenNot() throws Exception {
    Path file = dir.resolve("pool/a.deb");
    Files.createDirectories(file.getParent());
    Files.write(file, Trees.random(5, 100_000));
    Origins.publish(dir, "debian", Ed25519.generate());
    List<Chunk> chunks = new Chunker().chunk(file);
    Hash first = chunks.get(0).id();
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(10);
      int b = f.read();
      f.seek(10);
      f.write(b ^ 1);
    }
    try (PublishedTree t = PublishedTree.open(dir, Set.of())) {
      assertThat(t.chunk("debian", first)).isEmpty();
      byte[] sent = t.checkServedChunks(false).chunk("debian", first).orElseThrow();
      assertThat(sent).hasSize(chunks.get(0).length());
      assertThat(Hash.sha256(sent)).isNotEqualTo(first);
    }
  }
}
