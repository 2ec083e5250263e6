package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.RollbackException;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.wire.HeadInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Chooses the head to sync: every usable upstream is asked, each head is verified on its own
 * (signatures, threshold, expiry), the newest verified one wins, and upstreams with another head
 * are marked behind. The winner must be newer than the local head and of the same origin.
 */
final class HeadSelection {
  /** The chosen head and its signed envelope as received (recorded as is once published). */
  record Head(Snapshot snapshot, byte[] envelope) {}

  private HeadSelection() {}

  private interface Check {
    void run() throws ChasmException, IOException;
  }

  /** @return the head to sync, or empty if the local tree already has it */
  static Optional<Head> choose(Upstreams ups, String repo, SnapshotVerifier verifier, Snapshot local, EquivocationCheck eq)
      throws ChasmException, IOException {
    Map<Upstream, CompletableFuture<Optional<HeadInfo>>> asked = new LinkedHashMap<>();
    for (Upstream u : ups.usable()) {
      // A web mirror has no gossip: its head alone, with no holders and no proofs.
      asked.put(u, u.web() != null
          ? u.web().head().thenApply(h -> h.map(env -> new HeadInfo(env, List.of(), List.of())))
          : u.peer().client().headInfo(repo, eq.localEnvelope()));
    }
    Map<Upstream, Snapshot> heads = new LinkedHashMap<>();
    Map<Upstream, byte[]> envelopes = new HashMap<>();
    ChasmException notFound = null;
    List<Check> gossip = new ArrayList<>();
    for (Map.Entry<Upstream, CompletableFuture<Optional<HeadInfo>>> e : asked.entrySet()) {
      Upstream u = e.getKey();
      try {
        Optional<HeadInfo> info = ups.await(u, e.getValue());
        Optional<byte[]> env = info.map(HeadInfo::envelope);
        if (env.isEmpty()) {
          notFound = new ChasmException(u + " does not hold repository '" + repo + "'");
          u.markBehind();
          continue;
        }
        heads.put(u, verifier.verify(env.get(), SnapshotVerifier.NONE_ACCEPTED));
        envelopes.put(u, env.get());
        // Outside the ban below: a conflict between two trusted heads is nobody's bad byte.
        for (byte[] proof : info.get().proofs()) {
          gossip.add(() -> eq.gossiped(proof, u));
        }
        SignedSnapshot signed = SignedSnapshot.decode(env.get());
        gossip.add(() -> eq.verifiedHead(signed, u));
      } catch (ChasmException | IOException ex) {
        ups.ban(u, ex);
      }
    }
    for (Check c : gossip) {
      c.run();
    }
    if (heads.isEmpty()) {
      ChasmException f = ups.failure();
      throw f != null ? f : notFound != null ? notFound : new TransportException("no upstream answered");
    }
    Upstream best = null;
    for (Map.Entry<Upstream, Snapshot> h : heads.entrySet()) {
      if (best == null || h.getValue().sequence() > heads.get(best).sequence()) {
        best = h.getKey();
      }
    }
    Snapshot remote = heads.get(best);
    for (Map.Entry<Upstream, Snapshot> h : heads.entrySet()) {
      if (!h.getValue().id().equals(remote.id())) {
        h.getKey().markBehind();
      }
    }
    eq.mayMoveTo(remote);
    if (local != null && remote.id().equals(local.id())) {
      return Optional.empty();
    }
    if (local != null) {
      if (remote.sequence() <= local.sequence()) {
        throw new RollbackException("upstream head " + remote.origin() + " #" + remote.sequence()
            + " is not newer than the local snapshot #" + local.sequence());
      }
      if (!remote.origin().equals(local.origin())) {
        throw new VerificationException("upstream snapshot is of '" + remote.origin() + "', this tree follows '" + local.origin() + "'");
      }
    }
    return Optional.of(new Head(remote, envelopes.get(best)));
  }
}
