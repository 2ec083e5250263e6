package io.chasm.api.trust;

import io.chasm.api.CorruptObjectException;

/** Signature schemes a snapshot or stats batch may be signed with. */
public enum SignatureAlgorithm {
  /** Ed25519 (RFC 8032, pure, no context): 32-byte public keys, 64-byte signatures. */
  ED25519(1, "ed25519", 32, 64);

  private final int code;
  private final String label;
  private final int publicKeyLength;
  private final int signatureLength;

  SignatureAlgorithm(int code, String label, int publicKeyLength, int signatureLength) {
    this.code = code;
    this.label = label;
    this.publicKeyLength = publicKeyLength;
    this.signatureLength = signatureLength;
  }

  public int code() {
    return code;
  }

  public String label() {
    return label;
  }

  public int publicKeyLength() {
    return publicKeyLength;
  }

  public int signatureLength() {
    return signatureLength;
  }

  /**
   * @throws CorruptObjectException if no algorithm has that code
   */
  public static SignatureAlgorithm fromCode(int code) throws CorruptObjectException {
    for (SignatureAlgorithm a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    throw new CorruptObjectException("unknown signature algorithm code " + code);
  }
}
