package io.chasm.wire.internal.client;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.HashMismatchException;
import java.security.MessageDigest;

/** Checks a chunk's bytes against its id before anyone sees them. Reader thread only. */
final class ChunkVerifier {
  private final String peer;
  /** Only the reader thread verifies, so one digest is reused (getInstance per chunk is not free). */
  private MessageDigest sha256;

  ChunkVerifier(String peer) {
    this.peer = peer;
  }

  void verify(Hash id, byte[] data) throws HashMismatchException {
    MessageDigest d;
    if (id.algorithm() == HashAlgorithm.SHA_256) {
      if (sha256 == null) {
        sha256 = id.algorithm().newDigest();
      }
      d = sha256;
      d.reset();
    } else {
      d = id.algorithm().newDigest();
    }
    d.update(data);
    Hash actual = Hash.finish(id.algorithm(), d);
    if (!actual.equals(id)) {
      throw new HashMismatchException(peer, id, actual);
    }
  }
}
