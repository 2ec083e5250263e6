package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The fast test of an already normalised path never disagrees with the normaliser. */
class ArtifactPathsProperties {
  private static final byte[] ALPHABET = {'/', '/', '/', '.', '.', 'a', 'b', '?', '#', 0x01, 0x1f,
      0x7f, (byte) 0xc3, (byte) 0xa9, '%', '-', ' '};

  @Provide
  Arbitrary<byte[]> paths() {
    return Arbitraries.integers().between(0, ALPHABET.length - 1).list().ofMaxSize(60)
        .map(l -> {
          byte[] b = new byte[l.size()];
          for (int i = 0; i < b.length; i++) {
            b[i] = ALPHABET[l.get(i)];
          }
          return b;
        });
  }

  // Whenever plain says yes, the name is the path's own bytes, at any offset in the line.
  @Property(tries = 5000)
  void plain_meansNormaliseChangesNothing(@ForAll("paths") byte[] path, @ForAll @IntRange(max = 9) int offset) {
    byte[] line = new byte[offset + path.length + 5];
    Arrays.fill(line, (byte) '/');
    System.arraycopy(path, 0, line, offset, path.length);
    if (ArtifactPaths.plain(line, offset, offset + path.length)) {
      byte[] out = new byte[ArtifactPaths.MAX_PATH + 2];
      int n = ArtifactPaths.normalise(line, offset, offset + path.length, false, out);
      assertThat(n).isEqualTo(path.length);
      assertThat(Arrays.copyOf(out, n)).isEqualTo(path);
    }
  }

  // And it says yes for the usual mirror path, whatever its length, so the fast path is taken.
  @Property(tries = 1000)
  void plain_acceptsOrdinaryPaths(@ForAll("segments") List<String> segments) {
    byte[] p = ("/" + String.join("/", segments)).getBytes(StandardCharsets.UTF_8);
    assertThat(ArtifactPaths.plain(p, 0, p.length)).as(new String(p, StandardCharsets.UTF_8)).isTrue();
  }

  @Provide
  Arbitrary<List<String>> segments() {
    return Arbitraries.strings().withChars("abcxyz0189._-+~é").ofMinLength(1).ofMaxLength(20)
        .filter(s -> !s.equals(".")).list().ofMinSize(1).ofMaxSize(12);
  }
}
