package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The byte-slice interning against a plain map of decoded keys. */
class ArtifactTableProperties {
  @Provide
  Arbitrary<List<byte[]>> paths() {
    // Few distinct values (so repeats are common), some non-ASCII and some invalid UTF-8.
    Arbitrary<byte[]> ascii = Arbitraries.strings().withChars("/ab.-_0").ofMinLength(0)
        .ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
    Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(20);
    Arbitrary<byte[]> utf8 = Arbitraries.strings().withChars("/aé€").ofMaxLength(10)
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, ascii), net.jqwik.api.Tuple.of(2, any),
        net.jqwik.api.Tuple.of(2, utf8)).list().ofMaxSize(3000);
  }

  @Property(tries = 60)
  void intern_matchesAMapOfKeys(@ForAll("paths") List<byte[]> paths) {
    ArtifactTable t = new ArtifactTable();
    Map<ByteBuffer, Integer> ref = new HashMap<>();
    byte[] buf = new byte[128];
    int k = 0;
    for (byte[] p : paths) {
      int off = k++ % 50; // the slice sits at different offsets of a reused buffer
      java.util.Arrays.fill(buf, (byte) '#');
      System.arraycopy(p, 0, buf, off, p.length);
      int id = t.intern(buf, off, off + p.length);
      Integer want = ref.putIfAbsent(ByteBuffer.wrap(p.clone()), ref.size());
      assertThat(id).isEqualTo(want == null ? ref.size() - 1 : want);
      String decoded = strictUtf8(p);
      assertThat(t.invalid(id)).isEqualTo(decoded == null);
      assertThat(t.name(id)).isEqualTo(decoded == null ? "" : decoded);
    }
    assertThat(t.size()).isEqualTo(ref.size());
  }

  private static String strictUtf8(byte[] p) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(p)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
