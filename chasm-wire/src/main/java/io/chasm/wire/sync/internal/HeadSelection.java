package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.RollbackException;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /** @return the head to sync, or empty if the local tree already has it */
  static Optional<Head> choose(Upstreams ups, String repo, SnapshotVerifier verifier, Snapshot local)
      throws ChasmException, IOException {
    Map<Upstream, CompletableFuture<Optional<byte[]>>> asked = new LinkedHashMap<>();
    for (Upstream u : ups.usable()) {
      asked.put(u, u.web() != null ? u.web().head() : u.peer().client().head(repo));
    }
    Map<Upstream, Snapshot> heads = new LinkedHashMap<>();
    Map<Upstream, byte[]> envelopes = new HashMap<>();
    ChasmException notFound = null;
    for (Map.Entry<Upstream, CompletableFuture<Optional<byte[]>>> e : asked.entrySet()) {
      Upstream u = e.getKey();
      try {
        Optional<byte[]> env = ups.await(u, e.getValue());
        if (env.isEmpty()) {
          notFound = new ChasmException(u + " does not hold repository '" + repo + "'");
          u.markBehind();
          continue;
        }
        heads.put(u, verifier.verify(env.get(), SnapshotVerifier.NONE_ACCEPTED));
        envelopes.put(u, env.get());
      } catch (ChasmException | IOException ex) {
        ups.ban(u, ex);
      }
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
    if (local != null) {
      if (remote.id().equals(local.id())) {
        return Optional.empty();
      }
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
