package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.wire.ClientOptions;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Peer exchange for one sync (SPEC §9.13): once the head is chosen, asks every upstream which
 * peers hold it, keeps what a {@link PeerDirectory} takes, connects up to {@code maxPeers} of them
 * with the upstreams' options (same identity, limits, object verifier), and adds as sources those
 * whose own head verifies and is the chosen snapshot. Discovery is a hint: a peer that cannot be
 * reached or serves another head is simply not used, and what a learned peer sends is verified and
 * judged exactly like an upstream's.
 */
final class PeerDiscovery {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerDiscovery.class);
  /** Entries taken from one source's answer. */
  static final int PER_SOURCE = 16;
  /** Entries in all (also what a server answers at most, SPEC §9.13: 64). */
  static final int TOTAL = 64;

  private PeerDiscovery() {}

  /** @return the peers added as sources */
  static List<Upstream> learn(Upstreams ups, String repo, Snapshot head, SnapshotVerifier verifier, ClientOptions client,
      int maxPeers, boolean allowPrivate) {
    if (maxPeers <= 0) {
      return List.of();
    }
    List<URI> known = new ArrayList<>();
    ups.all().forEach(u -> known.add(u.uri()));
    known.removeIf(java.util.Objects::isNull);
    PeerDirectory dir = new PeerDirectory(PER_SOURCE, TOTAL, allowPrivate, known);
    Map<Upstream, CompletableFuture<List<String>>> asked = new LinkedHashMap<>();
    for (Upstream u : ups.usable()) {
      // A plain web mirror has no GetPeers; local reuse has no uri.
      if (u.uri() != null && u.web() == null && u.peer().client().capabilities().contains(io.chasm.wire.Capabilities.PEER_EXCHANGE)) {
        asked.put(u, u.peer().client().peers(repo, head.id().hash()));
      }
    }
    for (Map.Entry<Upstream, CompletableFuture<List<String>>> e : asked.entrySet()) {
      try {
        dir.offer(e.getKey().uri(), ups.await(e.getKey(), e.getValue()));
      } catch (io.chasm.wire.PeerErrorException ex) {
        LOG.debug("{} lists no peers: {}", e.getKey(), ex.getMessage());
      } catch (ChasmException | IOException ex) {
        // Not an error reply but a broken answer or connection: the same failure as on any request.
        ups.ban(e.getKey(), ex);
      }
    }
    List<URI> candidates = dir.peers();
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<Upstream> added = new ArrayList<>();
    for (Upstream u : UpstreamConnector.reachable(candidates.subList(0, Math.min(maxPeers, candidates.size())), client, ups.ticker())) {
      if (holds(ups, u, repo, head, verifier)) {
        ups.add(u);
        added.add(u);
      } else {
        u.close();
      }
    }
    LOG.info("peer exchange: {} peer(s) listed, {} dropped, {} added as sources", candidates.size(), dir.dropped(), added.size());
    return added;
  }

  private static boolean holds(Upstreams ups, Upstream u, String repo, Snapshot head, SnapshotVerifier verifier) {
    try {
      Optional<byte[]> env = ups.await(u, u.peer().client().head(repo));
      return env.isPresent() && verifier.verify(env.get(), SnapshotVerifier.NONE_ACCEPTED).id().equals(head.id());
    } catch (ChasmException | IOException e) {
      LOG.debug("learned peer {} not used: {}", u, e.getMessage());
      return false;
    }
  }
}
