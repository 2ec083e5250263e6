package io.chasm.api.trust;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.Hex;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A raw public key with its algorithm. Its {@link #keyId()} — SHA-256 over the algorithm code and
 * the raw key — names the key in signatures, trust files and allowlists.
 */
public final class PublicKey {
  private final SignatureAlgorithm algorithm;
  private final byte[] raw;

  private PublicKey(SignatureAlgorithm algorithm, byte[] raw) {
    this.algorithm = algorithm;
    this.raw = raw;
  }

  /**
   * @throws IllegalArgumentException if the key length does not fit the algorithm
   */
  public static PublicKey of(SignatureAlgorithm algorithm, byte[] raw) {
    Objects.requireNonNull(algorithm, "algorithm");
    if (raw.length != algorithm.publicKeyLength()) {
      throw new IllegalArgumentException(
          algorithm.label() + " public key must be " + algorithm.publicKeyLength() + " bytes, got " + raw.length);
    }
    return new PublicKey(algorithm, raw.clone());
  }

  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  public byte[] raw() {
    return raw.clone();
  }

  /** SHA-256(algorithm code byte || raw key). */
  public Hash keyId() {
    MessageDigest d = HashAlgorithm.SHA_256.newDigest();
    d.update((byte) algorithm.code());
    d.update(raw);
    return Hash.finish(HashAlgorithm.SHA_256, d);
  }

  /** Text form {@code ed25519:<hex>}, as written to {@code KEY.pub} files. */
  public String toText() {
    return algorithm.label() + ":" + Hex.encode(raw);
  }

  /**
   * Parses {@link #toText()}.
   *
   * @throws IllegalArgumentException if the text is not a public key
   */
  public static PublicKey parse(String text) {
    String t = text.strip();
    int colon = t.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("public key must look like ed25519:<hex>");
    }
    String label = t.substring(0, colon);
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      if (a.label().equals(label)) {
        return of(a, Hex.decode(t.substring(colon + 1)));
      }
    }
    throw new IllegalArgumentException("unknown signature algorithm '" + label + "'");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey k && k.algorithm == algorithm && MessageDigest.isEqual(k.raw, raw);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return toText();
  }
}
