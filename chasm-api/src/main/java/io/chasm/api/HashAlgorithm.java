package io.chasm.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A hash algorithm CHASM can name on the wire and on disk.
 *
 * <p>Every encoded hash carries the one-byte {@link #code()} of its algorithm so the default can
 * change later without ambiguity. Codes are assigned in {@code tck/SPEC.md}; an implementation
 * that meets an unknown code rejects the object.
 */
public enum HashAlgorithm {
  /** SHA-256 (FIPS 180-4): the default; the JDK intrinsic uses SHA-NI where the CPU has it. */
  SHA_256(1, "sha256", 32, "SHA-256");

  private final int code;
  private final String label;
  private final int length;
  private final String jcaName;

  HashAlgorithm(int code, String label, int length, String jcaName) {
    this.code = code;
    this.label = label;
    this.length = length;
    this.jcaName = jcaName;
  }

  /** The algorithm's one-byte code in every binary encoding. */
  public int code() {
    return code;
  }

  /** The lower-case name used in text forms such as {@code sha256:<hex>}. */
  public String label() {
    return label;
  }

  /** Digest length in bytes. */
  public int length() {
    return length;
  }

  /** A fresh digest; callers own it (digests are not thread-safe). */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jcaName + " is required by the Java platform", e);
    }
  }

  /**
   * Looks an algorithm up by its code.
   *
   * @throws CorruptObjectException if no algorithm has that code
   */
  public static HashAlgorithm fromCode(int code) throws CorruptObjectException {
    for (HashAlgorithm a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    throw new CorruptObjectException("unknown hash algorithm code " + code);
  }

  /**
   * Looks an algorithm up by its label.
   *
   * @throws IllegalArgumentException if no algorithm has that label
   */
  public static HashAlgorithm fromLabel(String label) {
    for (HashAlgorithm a : values()) {
      if (a.label.equals(label)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown hash algorithm '" + label + "'");
  }
}
