package io.chasm.wire.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The codec's one rule: a result is smaller by at least 1/16 and decompresses to the input; none otherwise. */
class ChunkCodecPropertiesTest {
  @Property(tries = 200)
  void compressedChunks_roundTrip_andSaveASixteenth(@ForAll("chunks") byte[] raw) throws Exception {
    try (ChunkCodec codec = new ChunkCodec()) {
      byte[] packed = codec.compressIfSmaller(raw);
      if (packed != null) {
        assertThat(packed.length).isLessThanOrEqualTo(raw.length - raw.length / 16);
        assertThat(codec.decompress(packed, 0, packed.length, raw.length, raw.length)).isEqualTo(raw);
      }
    }
  }

  /** Text of any length from 256 bytes compresses, probed or not: the probe must not turn a saving away. */
  @Property(tries = 100)
  void text_isCompressed_belowAndAboveTheProbeThreshold(@ForAll("textLengths") int length) {
    byte[] raw = text(length, length);
    try (ChunkCodec codec = new ChunkCodec()) {
      assertThat(codec.compressIfSmaller(raw)).isNotNull();
    }
  }

  @Example
  void randomBytes_areSentAsTheyAre() {
    for (int length : new int[] {1000, ChunkCodec.PROBE_FROM - 1, ChunkCodec.PROBE_FROM, 64 * 1024, 256 * 1024}) {
      byte[] raw = new byte[length];
      new Random(length).nextBytes(raw);
      try (ChunkCodec codec = new ChunkCodec()) {
        assertThat(codec.compressIfSmaller(raw)).as("%d random bytes", length).isNull();
      }
    }
  }

  @Provide
  Arbitrary<byte[]> chunks() {
    Arbitrary<byte[]> random = Arbitraries.integers().between(0, 80_000).map(n -> {
      byte[] b = new byte[n];
      new Random(n).nextBytes(b);
      return b;
    });
    Arbitrary<byte[]> textual = Arbitraries.integers().between(0, 80_000).map(n -> text(n, n * 31L));
    // Half text, half random, split anywhere: the probe looks at the middle only.
    Arbitrary<byte[]> mixed = Arbitraries.integers().between(0, 80_000).flatMap(n -> Arbitraries.integers().between(0, n)
        .map(split -> {
          byte[] b = text(n, n);
          byte[] r = new byte[n - split];
          new Random(split).nextBytes(r);
          System.arraycopy(r, 0, b, split, r.length);
          return b;
        }));
    return Arbitraries.oneOf(random, textual, mixed);
  }

  @Provide
  Arbitrary<Integer> textLengths() {
    return Arbitraries.integers().between(256, 300_000);
  }

  private static byte[] text(int length, long seed) {
    String[] words = {"mirror ", "package ", "Release ", "chunk ", "sha256 ", "debian/ ", "pool/main/ ", "\n"};
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(length + 16);
    while (sb.length() < length) {
      sb.append(words[r.nextInt(words.length)]);
    }
    return sb.substring(0, length).getBytes(StandardCharsets.US_ASCII);
  }
}
