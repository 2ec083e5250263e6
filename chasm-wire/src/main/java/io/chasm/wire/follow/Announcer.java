package io.chasm.wire.follow;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerClient;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Told by a {@link Follower} after each sync that changed the tree, with the envelope of the
 * snapshot now recorded there: typically it makes the server of this tree load and push it.
 */
@FunctionalInterface
public interface Announcer {
  Announcer NONE = envelope -> {};

  void announce(byte[] envelope) throws IOException, ChasmException;

  /**
   * Announces to the server at {@code server} (e.g. a node's oracle on its Unix socket), over a
   * fresh connection each time, naming {@code holders} as nodes that hold the snapshot.
   */
  static Announcer to(URI server, List<String> holders, ClientOptions options) {
    List<String> h = List.copyOf(holders);
    return envelope -> {
      String origin = SignedSnapshot.decode(envelope).snapshot().origin();
      try (PeerClient c = PeerClient.connect(server, options)) {
        PeerClient.await(c.announce(origin, envelope, h));
      }
    };
  }
}
