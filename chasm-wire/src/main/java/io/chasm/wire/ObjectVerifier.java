package io.chasm.wire;

import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;

/**
 * Checks fetched object bytes against their id before a {@link PeerClient} hands them out. The
 * wire layer does not know how each kind is hashed; the hash-tree module does, so the sync engine
 * plugs its decoder in here.
 */
@FunctionalInterface
public interface ObjectVerifier {
  /** Accepts anything: objects are then handed out unverified and must be verified by the caller. */
  ObjectVerifier NONE = (id, data) -> {};

  /**
   * @throws VerificationException if {@code data} is not the object named by {@code id}
   */
  void verify(ObjectId id, byte[] data) throws VerificationException;
}
