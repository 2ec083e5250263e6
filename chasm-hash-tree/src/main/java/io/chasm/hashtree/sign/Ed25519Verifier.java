package io.chasm.hashtree.sign;

import io.chasm.api.SignatureException;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureAlgorithm;
import io.chasm.api.trust.SignatureVerifier;

/** Ed25519 verification; obtain it through {@link Ed25519#verifier()}. */
final class Ed25519Verifier implements SignatureVerifier {
  @Override
  public void verify(PublicKey key, byte[] message, byte[] signature) throws SignatureException {
    if (key.algorithm() != SignatureAlgorithm.ED25519) {
      throw new SignatureException("not an Ed25519 key: " + key.keyId());
    }
    if (signature.length != SignatureAlgorithm.ED25519.signatureLength()) {
      throw new SignatureException(
          "Ed25519 signature must be 64 bytes, got " + signature.length + " (key " + key.keyId() + ")");
    }
    // BC's verify rejects non-canonical S and invalid points, as RFC 8032 §5.1.7 requires.
    if (!org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
        signature, 0, key.raw(), 0, message, 0, message.length)) {
      throw new SignatureException("bad Ed25519 signature by key " + key.keyId());
    }
  }
}
