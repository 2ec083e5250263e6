package io.chasm.hashtree.sign;

import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureAlgorithm;
import io.chasm.api.trust.SignatureVerifier;
import java.security.SecureRandom;

/**
 * Ed25519 (RFC 8032, pure, no context) signing and verification, backed by Bouncy Castle's
 * constant-time implementation.
 *
 * <p>Typical use: {@code Signer s = Ed25519.generate(); byte[] sig = s.sign(msg);
 * Ed25519.verifier().verify(s.publicKey(), msg, sig);}. Keys are saved and loaded with {@link
 * KeyFiles}.
 */
public final class Ed25519 {
  /** Length of a private key seed in bytes. */
  public static final int SEED_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Ed25519Verifier VERIFIER = new Ed25519Verifier();

  private Ed25519() {}

  /** A new key pair from the platform's strong random source. */
  public static Ed25519Signer generate() {
    byte[] seed = new byte[SEED_LENGTH];
    RANDOM.nextBytes(seed);
    return new Ed25519Signer(seed);
  }

  /**
   * A signer for an existing private key (the 32-byte seed of RFC 8032 §5.1.5). The array is
   * copied.
   *
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public static Ed25519Signer signer(byte[] privateKeySeed) {
    if (privateKeySeed.length != SEED_LENGTH) {
      throw new IllegalArgumentException(
          "Ed25519 private key must be " + SEED_LENGTH + " bytes, got " + privateKeySeed.length);
    }
    return new Ed25519Signer(privateKeySeed.clone());
  }

  /**
   * Starts Bouncy Castle's one-time precomputation of base-point tables on a background thread and
   * returns at once. The first verification in a process otherwise does it inline: measured
   * 0.5–1 s in a fresh JVM (the tables are built before the JIT has compiled anything), which was
   * half of a no-change sync. A program that will verify soon (a sync, before it connects) calls
   * this first; later calls do nothing.
   */
  public static void prepare() {
    if (PREPARING.compareAndSet(false, true)) {
      Thread t = new Thread(org.bouncycastle.math.ec.rfc8032.Ed25519::precompute, "chasm-ed25519-precompute");
      t.setDaemon(true);
      t.start();
    }
  }

  private static final java.util.concurrent.atomic.AtomicBoolean PREPARING = new java.util.concurrent.atomic.AtomicBoolean();

  /** Verifies Ed25519 signatures; stateless and thread-safe. */
  public static SignatureVerifier verifier() {
    return VERIFIER;
  }

  /**
   * Wraps a raw 32-byte public key.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes
   */
  public static PublicKey publicKey(byte[] raw) {
    return PublicKey.of(SignatureAlgorithm.ED25519, raw);
  }
}
