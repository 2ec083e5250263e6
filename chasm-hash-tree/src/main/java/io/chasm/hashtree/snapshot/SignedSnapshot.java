package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.Signer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A snapshot with one or more signatures over its exact encoded bytes: the envelope origins
 * publish and mirrors relay unchanged ({@code tck/SPEC.md} §5).
 *
 * <p>A value obtained from {@link #decode} is well formed but <b>not verified</b>: pass it (or its
 * bytes) to {@link SnapshotVerifier}, which returns the {@link Snapshot} only if the trust policy
 * is met.
 */
public final class SignedSnapshot {
  private final Snapshot snapshot;
  private final List<SnapshotSignature> signatures;
  private final byte[] encoded;

  SignedSnapshot(Snapshot snapshot, List<SnapshotSignature> signatures, byte[] encoded) {
    this.snapshot = snapshot;
    this.signatures = List.copyOf(signatures);
    this.encoded = encoded;
  }

  /**
   * Signs {@code snapshot} with each signer.
   *
   * @throws IllegalArgumentException if no signer is given, or two share a key
   */
  public static SignedSnapshot sign(Snapshot snapshot, Signer... signers) {
    if (signers.length == 0) {
      throw new IllegalArgumentException("at least one signer is needed");
    }
    List<SnapshotSignature> sigs = new ArrayList<>();
    for (Signer s : signers) {
      sigs.add(signatureBy(snapshot, s));
    }
    return of(snapshot, sigs);
  }

  /**
   * This envelope plus one more signature (co-signing for a k-of-n policy, each key holder adds
   * theirs).
   *
   * @throws IllegalArgumentException if the key already signed
   */
  public SignedSnapshot withSignature(Signer signer) {
    List<SnapshotSignature> sigs = new ArrayList<>(signatures);
    sigs.add(signatureBy(snapshot, signer));
    return of(snapshot, sigs);
  }

  private static SnapshotSignature signatureBy(Snapshot snapshot, Signer s) {
    return new SnapshotSignature(s.publicKey().algorithm(), s.publicKey().keyId(), s.sign(snapshot.encodedNoCopy()));
  }

  private static SignedSnapshot of(Snapshot snapshot, List<SnapshotSignature> sigs) {
    sigs.sort(Comparator.comparing(SnapshotSignature::keyId));
    for (int i = 1; i < sigs.size(); i++) {
      if (sigs.get(i - 1).keyId().equals(sigs.get(i).keyId())) {
        throw new IllegalArgumentException("key " + sigs.get(i).keyId() + " signed twice");
      }
    }
    if (sigs.size() > SnapshotCodec.MAX_SIGNATURES) {
      throw new IllegalArgumentException("at most " + SnapshotCodec.MAX_SIGNATURES + " signatures");
    }
    return new SignedSnapshot(snapshot, sigs, SnapshotCodec.encodeEnvelope(snapshot.encodedNoCopy(), sigs));
  }

  /**
   * Parses an envelope's structure (not its signatures).
   *
   * @throws CorruptObjectException if the bytes are not exactly one well-formed envelope
   */
  public static SignedSnapshot decode(byte[] envelope) throws CorruptObjectException {
    return SnapshotCodec.decodeEnvelope(envelope);
  }

  /** The signed snapshot; trust it only after {@link SnapshotVerifier#verify}. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** Sorted by key id. */
  public List<SnapshotSignature> signatures() {
    return signatures;
  }

  /** The snapshot's id (signatures are not part of it, so co-signing does not change it). */
  public ObjectId id() {
    return snapshot.id();
  }

  public byte[] encode() {
    return encoded.clone();
  }

  @Override
  public String toString() {
    return snapshot + " with " + signatures.size() + " signature(s)";
  }
}
