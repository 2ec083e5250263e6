package io.chasm.wire.sync.internal;

import io.chasm.api.EquivocationException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.snapshot.EquivocationProof;
import io.chasm.hashtree.snapshot.EquivocationProofs;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Equivocation detection on the client (SPEC §14): the verified heads of the upstreams and the
 * local head, taken pairwise, may not hold two roots for one sequence; proofs gossiped by
 * upstreams are adopted once they verify against this mirror's trust. A conflict is written as a
 * proof in the state directory, and from then on the mirror moves to no snapshot at or above the
 * lowest proven sequence: it keeps its last good one.
 */
final class EquivocationCheck {
  private static final Logger LOG = LoggerFactory.getLogger(EquivocationCheck.class);

  private final EquivocationProofs proofs;
  private final TrustPolicy trust;
  private final SignedSnapshot local;
  private final List<SignedSnapshot> seen = new ArrayList<>();

  EquivocationCheck(Path stateDir, TrustPolicy trust, SignedSnapshot local) {
    this.proofs = EquivocationProofs.in(stateDir);
    this.trust = trust;
    this.local = local;
    if (local != null) {
      seen.add(local);
    }
  }

  /** The local head's envelope, told to upstreams as the head this mirror holds; null if none. */
  byte[] localEnvelope() {
    return local == null ? null : local.encode();
  }

  /** A head that verified against the trust policy, from {@code upstream}. */
  void verifiedHead(SignedSnapshot head, Object upstream) throws EquivocationException, IOException {
    for (SignedSnapshot other : seen) {
      var proof = EquivocationProof.of(other, head);
      if (proof.isPresent()) {
        throw found(proof.get(), "from " + upstream);
      }
    }
    seen.add(head);
  }

  /** A proof gossiped by {@code upstream}: adopted if it verifies, ignored (logged) if not. */
  void gossiped(byte[] bytes, Object upstream) throws EquivocationException, IOException {
    EquivocationProof p;
    try {
      p = EquivocationProof.decode(bytes);
      p.verify(trust);
    } catch (VerificationException e) {
      LOG.warn("{} sent an equivocation proof that does not hold: {}", upstream, e.getMessage());
      return;
    }
    throw found(p, "gossiped by " + upstream);
  }

  /** Refuses {@code remote} if a proof held here covers its sequence. */
  void mayMoveTo(Snapshot remote) throws EquivocationException, IOException {
    OptionalLong lowest = proofs.lowestSequence(remote.origin());
    if (lowest.isPresent() && remote.sequence() >= lowest.getAsLong()) {
      throw new EquivocationException("refusing " + remote.origin() + " #" + remote.sequence() + ": the origin key signed two #"
          + lowest.getAsLong() + " (proof in " + proofs.files().get(0).getParent() + "); staying on the last good snapshot",
          lowest.getAsLong(), proofs.files().get(0).toString());
    }
  }

  private EquivocationException found(EquivocationProof p, String how) throws IOException {
    // Not logged here: the exception carries the whole story to whoever reports the sync's failure.
    Path file = proofs.write(p);
    return new EquivocationException("equivocation: the origin key signed two different snapshots #" + p.sequence() + " of "
        + p.origin() + " (" + how + "); proof written to " + file + "; staying on the last good snapshot", p.sequence(),
        file.toString());
  }
}
