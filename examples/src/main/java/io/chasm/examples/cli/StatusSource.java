package io.chasm.examples.cli;

import io.chasm.api.ChasmException;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.HeadInfo;
import io.chasm.wire.peer.PeerClient;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code chasm status} reads a mirror's head from, by URI scheme: the CHASM protocol for
 * {@code tcp://} and {@code unix:}; another kind of mirror (a plain HTTP export) adds its scheme
 * to {@link #BY_SCHEME}.
 */
@FunctionalInterface
interface StatusSource {
  /** The mirror's head of {@code repository} with its proofs, or empty if it holds none. */
  Optional<HeadInfo> head(URI mirror, String repository) throws IOException, ChasmException;

  StatusSource PEER = (mirror, repository) -> {
    try (PeerClient c = PeerClient.connect(mirror, ClientOptions.defaults().withAgent("chasm-status"))) {
      return PeerClient.await(c.headInfo(repository, null));
    }
  };

  Map<String, StatusSource> BY_SCHEME = Map.of("tcp", PEER, "unix", PEER);
}
