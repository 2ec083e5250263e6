package io.chasm.wire;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.api.source.OriginChange;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link io.chasm.wire.peer.PeerServer} serves: the repositories of one node.
 *
 * <p>An oracle backs it with its index and chunk locator (chunks read from the live files); a
 * relay backs it with a {@link io.chasm.wire.peer.PeerClient} connected to the oracle ({@link io.chasm.wire.peer.ClientBackend}); tests
 * back it with maps. Implementations must be thread-safe: every connection's thread calls in.
 * Nothing returned here is trusted by the receiving peer, which verifies every byte; but a
 * backend should not knowingly serve bytes that fail their id (a damaged live file), since peers
 * ban a server that sends them.
 */
public interface RepositoryBackend {
  /**
   * The newest signed snapshot envelope of a repository, exactly as the origin signed it.
   *
   * @return empty if this node does not hold the repository
   */
  Optional<byte[]> head(String repository) throws IOException, ChasmException;

  /**
   * The canonical encoding of a tree or file manifest.
   *
   * @return empty if not held
   */
  Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException;

  /**
   * A chunk's bytes.
   *
   * @return empty if not held
   */
  Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException;

  /**
   * Several chunks at once, in order (empty where not held). The server asks in small batches;
   * the default calls {@link #chunk} per id, a relay overrides it to pipeline one request.
   */
  default List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    List<Optional<byte[]>> out = new java.util.ArrayList<>(ids.size());
    for (Hash id : ids) {
      out.add(chunk(repository, id));
    }
    return out;
  }

  /**
   * Why a chunk that {@link #chunk}/{@link #chunks} just answered empty is not held, when the cause
   * is that the live tree changed since the served snapshot was published (SPEC §9.18): the server
   * then tells the client the path and snapshot. Called only for ids answered empty; a stale answer
   * is harmless (the client uses it for messages only). Default: empty (no reason known).
   */
  default Optional<OriginChange> originChange(String repository, Hash id) throws IOException, ChasmException {
    return Optional.empty();
  }

  /**
   * Peer exchange: endpoints known to hold a snapshot ({@code null} = the current head).
   * Default: none.
   */
  default List<String> holders(String repository, Hash snapshot) throws IOException, ChasmException {
    return List.of();
  }

  /**
   * A permitted client says a new snapshot exists (a fetcher that finished writing the tree, an
   * origin's publish command). The backend checks it (signature, sequence, expiry) and makes it
   * its head; the server then pushes the backend's new head to subscribers. Default: refuses.
   *
   * @throws VerificationException if the envelope is rejected (the client gets REJECTED)
   * @throws UnsupportedOperationException if this backend takes no announcements
   */
  default void announce(String repository, byte[] envelope, List<String> holders)
      throws IOException, ChasmException {
    throw new UnsupportedOperationException("this node takes no announcements");
  }

  /**
   * Head gossip (SPEC §9.19): equivocation proofs this backend holds for {@code repository}, each
   * in the proof file format (SPEC §14). Default: none.
   */
  default List<byte[]> proofs(String repository) throws IOException, ChasmException {
    return List.of();
  }

  /**
   * Head gossip (SPEC §9.19): a client holds {@code envelope} (unverified) as its newest head of
   * {@code repository}. A backend that can verify it MAY record an equivocation proof if it
   * conflicts with its own head. Never changes the reply. Default: ignored.
   */
  default void headSeen(String repository, byte[] envelope) throws IOException, ChasmException {}
}
