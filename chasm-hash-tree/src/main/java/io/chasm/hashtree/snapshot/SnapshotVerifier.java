package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.ExpiredSnapshotException;
import io.chasm.api.RollbackException;
import io.chasm.api.SignatureException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureVerifier;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.sign.Ed25519;
import java.time.Clock;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a signed snapshot may be accepted ({@code tck/SPEC.md} §5.9–§5.13): every
 * signature is by a trusted key and valid, at least the policy's threshold of distinct keys
 * signed, the sequence is greater than the last accepted one, and the snapshot has not expired.
 *
 * <p>Security guarantee: {@link #verify} returns a snapshot only if all of the above hold; every
 * failure is a {@link VerificationException} subtype, never a boolean. Thread-safe.
 */
public final class SnapshotVerifier {
  /** Pass as the last accepted sequence when nothing has been accepted yet. */
  public static final long NONE_ACCEPTED = 0;

  private final TrustPolicy policy;
  private final SignatureVerifier signatures;
  private final Clock clock;

  /** Ed25519 signatures, checked against {@code policy}, expiry against {@code clock}. */
  public SnapshotVerifier(TrustPolicy policy, Clock clock) {
    this(policy, Ed25519.verifier(), clock);
  }

  public SnapshotVerifier(TrustPolicy policy, SignatureVerifier signatures, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.signatures = Objects.requireNonNull(signatures, "signatures");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Decodes and verifies an envelope.
   *
   * @param lastAcceptedSequence the highest sequence accepted before, or {@link #NONE_ACCEPTED}
   * @throws CorruptObjectException if the envelope is malformed
   * @throws SignatureException if a signature is invalid or by an unknown key, or too few keys
   *     signed
   * @throws RollbackException if the sequence is not greater than {@code lastAcceptedSequence}
   * @throws ExpiredSnapshotException if the snapshot's expiry time has passed
   */
  public Snapshot verify(byte[] envelope, long lastAcceptedSequence) throws VerificationException {
    return verify(SignedSnapshot.decode(envelope), lastAcceptedSequence);
  }

  /** As {@link #verify(byte[], long)}, for an already decoded envelope. */
  public Snapshot verify(SignedSnapshot signed, long lastAcceptedSequence) throws VerificationException {
    Snapshot s = signed.snapshot();
    byte[] message = s.encodedNoCopy();
    Set<PublicKey> good = new HashSet<>();
    for (SnapshotSignature sig : signed.signatures()) {
      // Unknown keys are rejected rather than skipped so that no bit of an envelope is ignorable.
      PublicKey key =
          policy
              .key(sig.keyId())
              .orElseThrow(() -> new SignatureException("snapshot " + s.sequence() + " signed by untrusted key " + sig.keyId()));
      if (key.algorithm() != sig.algorithm()) {
        throw new SignatureException("signature algorithm does not match trusted key " + sig.keyId());
      }
      signatures.verify(key, message, sig.signatureNoCopy());
      good.add(key);
    }
    if (good.size() < policy.threshold()) {
      throw new SignatureException(
          "snapshot " + s.sequence() + " has " + good.size() + " valid signature(s), policy needs " + policy.threshold());
    }
    if (s.sequence() <= lastAcceptedSequence) {
      throw new RollbackException(
          "snapshot sequence " + s.sequence() + " is not greater than the last accepted " + lastAcceptedSequence);
    }
    if (!clock.instant().isBefore(s.expires())) {
      throw new ExpiredSnapshotException("snapshot " + s.sequence() + " of " + s.origin() + " expired at " + s.expires());
    }
    return s;
  }
}
