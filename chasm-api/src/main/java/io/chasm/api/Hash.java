package io.chasm.api;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable digest together with the algorithm that made it.
 *
 * <p>{@link #equals(Object)} compares digests in constant time, so a hash received from a peer can
 * be compared with an expected one without leaking how many leading bytes matched. The text form
 * is {@code <label>:<lower-case hex>}, e.g. {@code sha256:e3b0c442...}.
 */
public final class Hash implements Comparable<Hash> {
  private final HashAlgorithm algorithm;
  private final byte[] bytes;

  private Hash(HashAlgorithm algorithm, byte[] bytes) {
    this.algorithm = algorithm;
    this.bytes = bytes;
  }

  /**
   * Wraps a digest (the array is copied).
   *
   * @throws IllegalArgumentException if the length is not the algorithm's digest length
   */
  public static Hash of(HashAlgorithm algorithm, byte[] digest) {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(digest, "digest");
    if (digest.length != algorithm.length()) {
      throw new IllegalArgumentException(
          algorithm.label() + " digest must be " + algorithm.length() + " bytes, got " + digest.length);
    }
    return new Hash(algorithm, digest.clone());
  }

  /** SHA-256 of {@code data}. */
  public static Hash sha256(byte[] data) {
    return new Hash(HashAlgorithm.SHA_256, HashAlgorithm.SHA_256.newDigest().digest(data));
  }

  /** Finishes {@code digest} (which must be of {@code algorithm}) into a hash. */
  public static Hash finish(HashAlgorithm algorithm, MessageDigest digest) {
    return of(algorithm, digest.digest());
  }

  /**
   * Parses the text form {@code <label>:<hex>}.
   *
   * @throws IllegalArgumentException if the text is not a well-formed hash
   */
  public static Hash parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("hash must look like sha256:<hex>, got '" + text + "'");
    }
    HashAlgorithm algorithm = HashAlgorithm.fromLabel(text.substring(0, colon));
    return of(algorithm, Hex.decode(text.substring(colon + 1)));
  }

  public HashAlgorithm algorithm() {
    return algorithm;
  }

  /** A copy of the digest bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Digest length in bytes. */
  public int length() {
    return bytes.length;
  }

  /** Copies the digest into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, bytes.length);
  }

  /** Feeds the digest bytes into {@code digest}, without copying. */
  public void updateDigest(MessageDigest digest) {
    digest.update(bytes);
  }

  /** Lower-case hex of the digest alone, without the algorithm label. */
  public String hex() {
    return Hex.encode(bytes);
  }

  /** Constant-time comparison of algorithm and digest. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Hash other
        && other.algorithm == algorithm
        && MessageDigest.isEqual(other.bytes, bytes);
  }

  @Override
  public int hashCode() {
    // Digests are uniformly distributed: the first four bytes are as good as all of them.
    return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
  }

  /** Orders by algorithm code, then unsigned lexicographic digest bytes. */
  @Override
  public int compareTo(Hash o) {
    int c = Integer.compare(algorithm.code(), o.algorithm.code());
    return c != 0 ? c : Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return algorithm.label() + ":" + hex();
  }
}
