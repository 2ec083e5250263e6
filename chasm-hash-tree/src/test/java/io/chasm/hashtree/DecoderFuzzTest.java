package io.chasm.hashtree;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.merkle.InclusionProof;
import io.chasm.hashtree.tree.Tree;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Random bytes, with a plausible header or not: decoders fail only with checked CHASM exceptions. */
class DecoderFuzzTest {
  interface Decode {
    Object run(byte[] b) throws ChasmException;
  }

  static void onlyTyped(Decode d, byte[] b) {
    try {
      d.run(b);
    } catch (ChasmException expected) {
      // typed failure: fine
    } catch (RuntimeException e) {
      throw new AssertionError("runtime exception for input of " + b.length + " bytes", e);
    }
  }

  static byte[] withHeader(byte[] body, byte... header) {
    byte[] b = new byte[header.length + body.length];
    System.arraycopy(header, 0, b, 0, header.length);
    System.arraycopy(body, 0, b, header.length, body.length);
    return b;
  }

  @Property(tries = 500)
  void tree_decode_onlyTypedFailures(@ForAll @Size(max = 200) byte[] body, @ForAll byte count) {
    onlyTyped(Tree::decode, body);
    onlyTyped(Tree::decode, withHeader(body, (byte) 3, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) (count & 7)));
  }

  @Property(tries = 500)
  void manifest_decode_onlyTypedFailures(@ForAll @Size(max = 200) byte[] body, @ForAll byte count) {
    onlyTyped(FileManifest::decode, body);
    byte[] b = withHeader(body, (byte) 2, (byte) 1, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) (count & 3));
    onlyTyped(FileManifest::decode, b);
  }

  @Property(tries = 500)
  void proof_decode_onlyTypedFailures(@ForAll @Size(max = 120) byte[] body) {
    onlyTyped(InclusionProof::decode, body);
    onlyTyped(InclusionProof::decode, withHeader(body, (byte) 1, (byte) 1));
  }

  @Property(tries = 100)
  void proof_decodedFromNoise_neverVerifies(@ForAll @Size(min = 31, max = 120) byte[] body) throws Exception {
    FileManifest m = FileManifest.of(new io.chasm.hashtree.chunk.Chunker(
        new io.chasm.hashtree.chunk.ChunkingParams(64, 256, 1024)).chunk(new byte[3000]));
    byte[] b = withHeader(body, (byte) 1, (byte) 1);
    try {
      InclusionProof.decode(b).verify(m.id(), m.chunk(0).id());
      throw new AssertionError("noise verified");
    } catch (ChasmException expected) {
      assertThat(expected).isNotNull();
    }
  }
}
