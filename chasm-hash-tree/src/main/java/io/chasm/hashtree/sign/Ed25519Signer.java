package io.chasm.hashtree.sign;

import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureAlgorithm;
import io.chasm.api.trust.Signer;

/**
 * An Ed25519 private key that signs. Thread-safe. The seed never leaves this object except through
 * {@link KeyFiles#writeKeyPair}; {@link #toString()} prints only the public key id.
 */
public final class Ed25519Signer implements Signer {
  private final byte[] seed;
  private final PublicKey publicKey;

  Ed25519Signer(byte[] seed) {
    this.seed = seed;
    byte[] pk = new byte[org.bouncycastle.math.ec.rfc8032.Ed25519.PUBLIC_KEY_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
    this.publicKey = PublicKey.of(SignatureAlgorithm.ED25519, pk);
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) {
    byte[] sig = new byte[org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /** For {@link KeyFiles} only: the secret seed. */
  byte[] seedForExport() {
    return seed.clone();
  }

  @Override
  public String toString() {
    return "Ed25519Signer[key " + publicKey.keyId() + "]";
  }
}
