package io.chasm.collector.internal;

import io.chasm.api.SignatureException;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureAlgorithm;
import io.chasm.api.trust.SignatureVerifier;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Ed25519 (RFC 8032, pure) verification with Bouncy Castle's lightweight API. */
public final class BouncyCastleEd25519Verifier implements SignatureVerifier {
  @Override
  public void verify(PublicKey key, byte[] message, byte[] signature) throws SignatureException {
    if (key.algorithm() != SignatureAlgorithm.ED25519) {
      throw new SignatureException("unsupported signature algorithm " + key.algorithm().label());
    }
    if (signature.length != SignatureAlgorithm.ED25519.signatureLength()) {
      throw new SignatureException("Ed25519 signature must be 64 bytes, got " + signature.length);
    }
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(key.raw(), 0));
    v.update(message, 0, message.length);
    if (!v.verifySignature(signature)) {
      throw new SignatureException("signature does not verify under key " + key.keyId());
    }
  }
}
