package io.chasm.hashtree.snapshot;

import io.chasm.api.Hash;
import io.chasm.api.trust.SignatureAlgorithm;
import java.util.Objects;

/** One signature in a {@link SignedSnapshot}: which algorithm, which key (by id), the signature bytes. */
public final class SnapshotSignature {
  private final SignatureAlgorithm algorithm;
  private final Hash keyId;
  private final byte[] signature;

  SnapshotSignature(SignatureAlgorithm algorithm, Hash keyId, byte[] signature) {
    this.algorithm = Objects.requireNonNull(algorithm);
    this.keyId = Objects.requireNonNull(keyId);
    this.signature = signature;
  }

  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  /** {@link io.chasm.api.trust.PublicKey#keyId()} of the key that made it. */
  public Hash keyId() {
    return keyId;
  }

  public byte[] signature() {
    return signature.clone();
  }

  byte[] signatureNoCopy() {
    return signature;
  }

  @Override
  public String toString() {
    return algorithm.label() + " signature by " + keyId;
  }
}
