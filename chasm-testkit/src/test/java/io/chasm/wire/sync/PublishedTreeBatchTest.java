package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.PublishedTree;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving a batch of chunks ({@link PublishedTree#chunks}: consecutive chunks of a file through
 * one open channel and one read) answers exactly what serving them one at a time does: the live
 * bytes where they still hash to the id, nothing where the file changed, across runs longer than
 * one read, unknown ids, repeats and files replaced between batches.
 */
class PublishedTreeBatchTest {
  @TempDir Path dir;

  @Test
  void batch_servesWhatSingleChunksServe_refusesChangedBytes() throws Exception {
    Path big = dir.resolve("pool/big.iso");
    Files.createDirectories(big.getParent());
    byte[] bigBytes = Trees.random(11, 10_000_000);
    Files.write(big, bigBytes);
    Path small = dir.resolve("pool/small.deb");
    Files.write(small, Trees.random(12, 5_000));
    Origins.publish(dir, "debian", Ed25519.generate());
    List<Chunk> chunks = new Chunker().chunk(big);
    assertThat(chunks.size()).isGreaterThan(64);
    Chunk smallChunk = new Chunker().chunk(small).get(0);
    Hash unknown = Hash.sha256("not in the tree".getBytes());

    List<Hash> ids = new ArrayList<>();
    chunks.forEach(c -> ids.add(c.id()));
    ids.add(5, smallChunk.id()); // another file in the middle of a run
    ids.add(9, unknown);
    ids.add(chunks.get(3).id()); // a repeat, out of order
    try (PublishedTree t = PublishedTree.open(dir, Set.of())) {
      List<Optional<byte[]>> got = t.chunks("debian", ids);
      assertThat(got).hasSize(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        assertThat(got.get(i).orElse(null)).as("chunk %d", i).isEqualTo(t.chunk("debian", ids.get(i)).orElse(null));
        assertThat(got.get(i).isEmpty()).isEqualTo(ids.get(i).equals(unknown));
        Hash id = ids.get(i);
        got.get(i).ifPresent(b -> assertThat(Hash.sha256(b)).isEqualTo(id));
      }
      assertThat(t.chunks("other", ids)).allMatch(Optional::isEmpty);

      // One byte changed in chunk 20: that chunk only is refused; without the check it goes as is.
      Chunk damaged = chunks.get(20);
      try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
        f.seek(damaged.offset() + 7);
        f.write(bigBytes[(int) damaged.offset() + 7] ^ 1);
      }
      List<Hash> run = ids(chunks.subList(15, 40));
      List<Optional<byte[]>> after = t.chunks("debian", run);
      for (int i = 0; i < run.size(); i++) {
        assertThat(after.get(i).isEmpty()).as("chunk %d", 15 + i).isEqualTo(15 + i == 20);
      }
      byte[] raw = t.checkServedChunks(false).chunks("debian", run).get(5).orElseThrow();
      assertThat(Hash.sha256(raw)).isNotEqualTo(damaged.id());
      assertThat(raw).hasSize(damaged.length());
      t.checkServedChunks(true);

      // Truncated behind the server's back: the chunks past the end are refused, those before served.
      try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
        f.setLength(chunks.get(30).offset() + 10);
      }
      List<Optional<byte[]>> cut = t.chunks("debian", ids(chunks.subList(25, 35)));
      for (int i = 0; i < 10; i++) {
        assertThat(cut.get(i).isPresent()).as("chunk %d", 25 + i).isEqualTo(25 + i < 30);
      }

      // Replaced by other content (a rename, as a sync does): nothing of the old file is served.
      Path other = dir.resolve("pool/.tmp");
      Files.write(other, Trees.random(13, 10_000_000));
      Files.move(other, big, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      assertThat(t.chunks("debian", ids(chunks))).allMatch(Optional::isEmpty);
      // and the original bytes put back are served again
      Files.write(big, bigBytes);
      List<Optional<byte[]>> back = t.chunks("debian", ids(chunks));
      for (int i = 0; i < chunks.size(); i++) {
        Chunk c = chunks.get(i);
        assertThat(back.get(i).orElseThrow())
            .isEqualTo(Arrays.copyOfRange(bigBytes, (int) c.offset(), (int) c.offset() + c.length()));
      }
    }
  }

  private static List<Hash> ids(List<Chunk> chunks) {
    return chunks.stream().map(Chunk::id).toList();
  }
}
