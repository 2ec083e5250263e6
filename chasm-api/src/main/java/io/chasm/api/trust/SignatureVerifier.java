package io.chasm.api.trust;

import io.chasm.api.SignatureException;

/**
 * Checks one signature. Returns normally only if the signature is valid: there is no boolean to
 * forget to test.
 */
public interface SignatureVerifier {
  /**
   * @throws SignatureException if the signature does not verify under {@code key}
   */
  void verify(PublicKey key, byte[] message, byte[] signature) throws SignatureException;
}
