package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.wire.RepositoryBackend;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of head gossip (SPEC §9.19): the head a client says it holds goes to the
 * backend, the backend's proofs go into the Head. Both are best effort: gossip never fails the
 * GetHead it rides on, since the head itself is what the client asked for.
 */
final class HeadGossip {
  private static final Logger LOG = LoggerFactory.getLogger(HeadGossip.class);
  /** Proofs are a few KiB each; more than this many in one Head would only be noise. */
  static final int MAX_PROOFS = 8;

  private HeadGossip() {}

  static void seen(RepositoryBackend backend, String peer, String repository, byte[] envelope) {
    try {
      backend.headSeen(repository, envelope);
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.debug("head seen by {} not recorded: {}", peer, e.toString());
    }
  }

  static List<byte[]> proofs(RepositoryBackend backend, String peer, String repository) {
    try {
      List<byte[]> p = backend.proofs(repository);
      return p.subList(0, Math.min(p.size(), MAX_PROOFS));
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.debug("no proofs of {} for {}: {}", repository, peer, e.toString());
      return List.of();
    }
  }
}
