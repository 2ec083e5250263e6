package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.MissingContentException;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.wire.MirrorSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Picks the snapshot to read from: every source is asked for its head at once, each envelope is
 * verified on its own (trusted signatures, threshold, expiry), and the highest verified sequence
 * wins. A source whose envelope fails is dropped; one that is behind stays (it may still hold the
 * chunks). Two verified heads with one sequence and different ids are refused: the origin key
 * signed two histories, and picking either would be a guess.
 */
public final class HeadChoice {
  private HeadChoice() {}

  public static Snapshot choose(SourceSet sources, String repository, SnapshotVerifier verifier)
      throws ChasmException, IOException {
    Map<MirrorSource, CompletableFuture<Optional<byte[]>>> asked = new LinkedHashMap<>();
    for (MirrorSource s : sources.live()) {
      asked.put(s, s.head(repository));
    }
    List<Snapshot> verified = new ArrayList<>();
    int lacking = 0;
    for (Map.Entry<MirrorSource, CompletableFuture<Optional<byte[]>>> e : asked.entrySet()) {
      try {
        Optional<byte[]> envelope = SourceSet.await(e.getValue());
        if (envelope.isEmpty()) {
          lacking++;
          continue;
        }
        verified.add(verifier.verify(envelope.get(), SnapshotVerifier.NONE_ACCEPTED));
      } catch (ChasmException | IOException ex) {
        sources.ban(e.getKey(), ex);
      }
    }
    Snapshot best = null;
    for (Snapshot s : verified) {
      if (best == null || s.sequence() > best.sequence()) {
        best = s;
      }
    }
    for (Snapshot s : verified) {
      if (s.sequence() == best.sequence() && !s.id().equals(best.id())) {
        throw new VerificationException("two validly signed snapshots #" + s.sequence() + " of '" + repository
            + "' with different roots (" + best.rootTree() + ", " + s.rootTree() + "): refusing both");
      }
    }
    if (best != null) {
      return best;
    }
    ChasmException bad = sources.firstBadData();
    if (bad != null) {
      throw new VerificationException("no source has a head of '" + repository + "' that verifies" + sources.summary(), bad);
    }
    if (lacking > 0) {
      throw new MissingContentException("no source holds repository '" + repository + "'" + sources.summary(), List.of());
    }
    throw new TransportException("no source answered" + sources.summary());
  }
}
