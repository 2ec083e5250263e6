package io.chasm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.ProtocolException;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureAlgorithm;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.internal.frame.FrameReader;
import java.io.ByteArrayInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Encoders round-trip; decoders given arbitrary bytes only ever throw the documented exceptions. */
class WireParsingPropertiesTest {
  @Property(tries = 300)
  void hashAndObjectId_roundTrip(@ForAll @Size(32) byte[] digest, @ForAll("kinds") ObjectKind kind) throws Exception {
    Hash h = Hash.of(io.chasm.api.HashAlgorithm.SHA_256, digest);
    assertThat(WireIds.hash(WireIds.hash(h))).isEqualTo(h);
    ObjectId id = new ObjectId(kind, h);
    assertThat(WireIds.objectId(WireIds.objectId(id))).isEqualTo(id);
    PublicKey k = PublicKey.of(SignatureAlgorithm.ED25519, digest);
    assertThat(WireIds.key(WireIds.key(k))).isEqualTo(k);
  }

  @Provide
  Arbitrary<ObjectKind> kinds() {
    return Arbitraries.of(ObjectKind.class);
  }

  @Property(tries = 500)
  void idDecoders_arbitraryBytes_onlyCorruptObject(@ForAll @Size(max = 40) byte[] bytes) {
    ByteString b = ByteString.copyFrom(bytes);
    for (int which = 0; which < 3; which++) {
      try {
        switch (which) {
          case 0 -> assertThat(WireIds.hash(b).length() + 1).isEqualTo(bytes.length);
          case 1 -> assertThat(WireIds.objectId(b).hash().length() + 2).isEqualTo(bytes.length);
          default -> assertThat(WireIds.key(b).raw().length + 1).isEqualTo(bytes.length);
        }
      } catch (CorruptObjectException expected) {
        // The one documented failure.
      }
    }
  }

  @Property(tries = 1000)
  void frameReader_arbitraryBytes_onlyTypedFailures(@ForAll @Size(max = 300) byte[] bytes) throws Exception {
    FrameReader r = new FrameReader(new ByteArrayInputStream(bytes), 1 << 16);
    try {
      while (r.read() != null) {
        // Keep reading: every frame must parse or fail typed.
      }
    } catch (LimitExceededException | ProtocolException expected) {
      // Documented failures.
    }
  }

  @Property(tries = 500)
  void frameReader_validHeaderArbitraryPayload_onlyTypedFailures(@ForAll @Size(min = 1, max = 300) byte[] payload) throws Exception {
    byte[] framed = new byte[4 + payload.length];
    framed[2] = (byte) (payload.length >> 8);
    framed[3] = (byte) payload.length;
    System.arraycopy(payload, 0, framed, 4, payload.length);
    try {
      assertThat(new FrameReader(new ByteArrayInputStream(framed), 1 << 16).read()).isNotNull();
    } catch (ProtocolException expected) {
      // Malformed or bodiless payload.
    }
  }
}
