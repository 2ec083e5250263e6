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
   * As {@link #announce(byte[])}, naming {@code holders} that also hold the snapshot (those the
   * upstream pushed it with), to be passed on to this node's subscribers.
   */
  default void announce(byte[] envelope, List<String> holders) throws IOException, ChasmException {
    announce(envelope);
  }

  /**
   * Announces to the server at {@code server} (e.g. a node's oracle on its Unix socket), over a
   * fresh connection each time, naming {@code holders} as nodes that hold the snapshot.
   */
  static Announcer to(URI server, List<String> holders, ClientOptions options) {
    List<String> own = List.copyOf(holders);
    return new Announcer() {
      @Override
      public void announce(byte[] envelope) throws IOException, ChasmException {
        announce(envelope, List.of());
      }

      @Override
      public void announce(byte[] envelope, List<String> known) throws IOException, ChasmException {
        String origin = SignedSnapshot.decode(envelope).snapshot().origin();
        try (PeerClient c = PeerClient.connect(server, options)) {
          PeerClient.await(c.announce(origin, envelope, withOwnFirst(own, known)));
        }
      }
    };
  }

  /** This node's own endpoints first, then the others it knows of, once each, at most 16 in all. */
  static List<String> withOwnFirst(List<String> own, List<String> known) {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(own);
    all.addAll(known);
    return all.stream().limit(PushedHolders.MAX).toList();
  }
}
