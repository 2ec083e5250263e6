package io.chasm.api.trust;

/**
 * Holds a private key and signs messages with it. Implementations never expose the private key
 * through this interface, {@code toString()} or exceptions.
 */
public interface Signer {
  /** The public half, whose {@link PublicKey#keyId()} names signatures made by this signer. */
  PublicKey publicKey();

  /** Signs the exact bytes given. */
  byte[] sign(byte[] message);
}
