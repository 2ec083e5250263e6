package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The index file is streamed through a fixed buffer in both directions: whatever the table, it
 * reads back as written (records cross buffer boundaries at every offset), and a flipped byte
 * anywhere is reported as damage, never loaded.
 */
class IndexFilePropertyTest {
  @Property(tries = 30)
  void roundTrip_andAnyFlippedByteDetected(@ForAll long seed, @ForAll @IntRange(min = 0, max = 12_000) int entries)
      throws Exception {
    Random rnd = new Random(seed);
    IndexTable t = randomTable(rnd, entries);
    byte[] rootDigest = new byte[32];
    rnd.nextBytes(rootDigest);
    ObjectId root = ObjectId.tree(Hash.of(HashAlgorithm.SHA_256, rootDigest));
    Path dir = Files.createTempDirectory("chasm-indexfile");
    try {
      Path f = dir.resolve("index");
      IndexFile.write(f, t, ChunkingParams.DEFAULT, root, 12345L + entries);
      IndexFile.Loaded l = IndexFile.read(f);
      assertThat(l.root()).isEqualTo(root);
      assertThat(l.packLength()).isEqualTo(12345L + entries);
      assertThat(l.params()).isEqualTo(ChunkingParams.DEFAULT);
      assertSame(t, l.table());

      byte[] bytes = Files.readAllBytes(f);
      int at = rnd.nextInt(bytes.length);
      bytes[at] ^= (byte) (1 << rnd.nextInt(8));
      Files.write(f, bytes);
      assertThatThrownBy(() -> IndexFile.read(f)).isInstanceOf(CorruptObjectException.class);
    } finally {
      try (var s = Files.list(dir)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static IndexTable randomTable(Random rnd, int n) {
    IndexTable t = new IndexTable();
    for (int i = 0; i < n; i++) {
      // Long paths now and then, so records straddle the 256 KiB buffer's end at many offsets.
      int len = rnd.nextInt(50) == 0 ? 1000 + rnd.nextInt(3000) : 1 + rnd.nextInt(40);
      String unit = "p" + i + "-";
      byte[] path = unit.repeat(len / unit.length() + 1).substring(0, len).getBytes(StandardCharsets.UTF_8);
      byte kind = (byte) rnd.nextInt(4);
      if (rnd.nextInt(10) == 0) {
        kind |= IndexTable.RACY;
      }
      int idx = t.add(path, kind, rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
      if ((kind & IndexTable.KIND_MASK) == IndexTable.SYMLINK) {
        byte[] target = new byte[rnd.nextInt(200)];
        rnd.nextBytes(target);
        t.linkTargets.put(idx, target);
      } else {
        byte[] id = new byte[32];
        rnd.nextBytes(id);
        t.setId(idx, id, 0);
        if ((kind & IndexTable.KIND_MASK) != IndexTable.DIRECTORY) {
          for (int c = rnd.nextInt(4); c > 0; c--) {
            byte[] cid = new byte[32];
            rnd.nextBytes(cid);
            t.addChunk(cid, 0, rnd.nextInt(1 << 20));
          }
        }
      }
    }
    return t;
  }

  private static void assertSame(IndexTable a, IndexTable b) {
    assertThat(b.count).isEqualTo(a.count);
    assertThat(b.chunkCount).isEqualTo(a.chunkCount);
    for (int i = 0; i < a.count; i++) {
      assertThat(b.path(i)).isEqualTo(a.path(i));
      assertThat(b.kinds[i]).isEqualTo(a.kinds[i]);
      assertThat(new long[] {b.dev[i], b.ino[i], b.size[i], b.mtime[i], b.ctime[i]})
          .containsExactly(a.dev[i], a.ino[i], a.size[i], a.mtime[i], a.ctime[i]);
      assertThat(b.chunks(i)).isEqualTo(a.chunks(i));
      if (a.kind(i) == IndexTable.SYMLINK) {
        assertThat(b.linkTargets.get(i)).isEqualTo(a.linkTargets.get(i));
      } else {
        assertThat(Arrays.copyOfRange(b.ids, i * 32, i * 32 + 32)).isEqualTo(Arrays.copyOfRange(a.ids, i * 32, i * 32 + 32));
      }
    }
    for (int c = 0; c < a.chunkCount; c++) {
      assertThat(b.chunkLength[c]).isEqualTo(a.chunkLength[c]);
      assertThat(Arrays.copyOfRange(b.chunkIds, c * 32, c * 32 + 32)).isEqualTo(Arrays.copyOfRange(a.chunkIds, c * 32, c * 32 + 32));
    }
  }
}
