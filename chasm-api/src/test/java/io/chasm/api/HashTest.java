package io.chasm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HashTest {
  @Test
  void sha256_knownAnswer_emptyAndAbc() {
    // FIPS 180-2 appendix B.1 ("abc") and the well-known digest of the empty string.
    assertThat(Hash.sha256(new byte[0]).toString())
        .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Hash.sha256("abc".getBytes(StandardCharsets.US_ASCII)).hex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Property
  void parse_roundTripsTextForm(@ForAll @Size(32) byte[] digest) {
    Hash h = Hash.of(HashAlgorithm.SHA_256, digest);
    assertThat(Hash.parse(h.toString())).isEqualTo(h).hasSameHashCodeAs(h);
  }

  @Property
  void equals_differsAfterAnyBitFlip(@ForAll @Size(32) byte[] digest) {
    Hash h = Hash.of(HashAlgorithm.SHA_256, digest);
    for (int bit = 0; bit < 256; bit++) {
      byte[] d = digest.clone();
      d[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(Hash.of(HashAlgorithm.SHA_256, d)).isNotEqualTo(h);
    }
  }

  @Test
  void of_rejectsWrongLength() {
    assertThatThrownBy(() -> Hash.of(HashAlgorithm.SHA_256, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void parse_rejectsMalformedText() {
    assertThatThrownBy(() -> Hash.parse("e3b0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hash.parse("md5:00")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hash.parse("sha256:zz")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromCode_unknownIsCorrupt() {
    assertThatThrownBy(() -> HashAlgorithm.fromCode(99)).isInstanceOf(CorruptObjectException.class);
  }

  @Property
  void compareTo_isUnsignedLexicographic(@ForAll @Size(32) byte[] a, @ForAll @Size(32) byte[] b) {
    int expected = java.util.Arrays.compareUnsigned(a, b);
    assertThat(Integer.signum(Hash.of(HashAlgorithm.SHA_256, a).compareTo(Hash.of(HashAlgorithm.SHA_256, b))))
        .isEqualTo(Integer.signum(expected));
  }
}
