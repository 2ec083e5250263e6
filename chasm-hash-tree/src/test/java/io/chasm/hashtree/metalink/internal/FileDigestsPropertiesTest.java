package io.chasm.hashtree.metalink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hex;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** One pass of {@link FileDigests} equals hashing the file and its slices directly, and catches any changed byte. */
class FileDigestsPropertiesTest {
  static final Chunker CHUNKER = new Chunker(new ChunkingParams(256, 1024, 4096));

  @Property(tries = 60)
  void digests_equalDirectHashing(@ForAll @IntRange(min = 0, max = 40_000) int size, @ForAll @IntRange(min = 1, max = 9000) int piece,
      @ForAll long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    Path f = Files.createTempFile("digests", ".bin");
    try {
      Files.write(f, data);
      FileManifest m = FileManifest.of(CHUNKER.chunk(data));
      FileDigests.Digests d = FileDigests.compute(f, "f", m, piece);
      assertThat(d.sha256()).isEqualTo(sha(data, 0, size));
      List<String> expected = new ArrayList<>();
      for (int off = 0; off < size; off += piece) {
        expected.add(sha(data, off, Math.min(piece, size - off)));
      }
      assertThat(d.pieces()).isEqualTo(expected);
    } finally {
      Files.delete(f);
    }
  }

  @Property(tries = 40)
  void anyChangedByte_isRefused(@ForAll @IntRange(min = 1, max = 30_000) int size, @ForAll @IntRange(min = 0, max = 29_999) int at,
      @ForAll long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    FileManifest m = FileManifest.of(CHUNKER.chunk(data));
    data[at % size] ^= 1;
    Path f = Files.createTempFile("digests", ".bin");
    try {
      Files.write(f, data);
      assertThatThrownBy(() -> FileDigests.compute(f, "f", m, 4096)).isInstanceOf(VerificationException.class);
    } finally {
      Files.delete(f);
    }
  }

  static String sha(byte[] b, int off, int len) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(b, off, len);
    return Hex.encode(d.digest());
  }
}
