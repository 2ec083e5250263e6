package io.chasm.examples.cli;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.HeadInfo;
import io.chasm.wire.http.HttpMirror;
import io.chasm.wire.peer.PeerClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where {@code chasm status} reads a mirror's head from, by URI scheme: the CHASM protocol for
 * {@code tcp://} and {@code unix:}, a plain web mirror's static export for {@code http://} and
 * {@code https://}; another kind of mirror adds its scheme to {@link #BY_SCHEME}.
 */
@FunctionalInterface
interface StatusSource {
  /** The mirror's head of {@code repository} with its proofs, or empty if it holds none. */
  Optional<HeadInfo> head(URI mirror, String repository) throws IOException, ChasmException;

  Duration TIMEOUT = Duration.ofSeconds(30);
  String DEFAULT_REPOSITORY = "default";

  StatusSource PEER = (mirror, repository) -> {
    try (PeerClient c = PeerClient.connect(mirror, ClientOptions.defaults().withAgent("chasm-status"))) {
      return PeerClient.await(c.headInfo(repository, null));
    }
  };

  /**
   * The signed head of a tree's static export ({@code chasm export-static}). A web server keeps no
   * holders and no proofs, so there are none to report; the export holds one repository, answered
   * under its own name and under the name every CHASM server answers to.
   */
  StatusSource WEB = (mirror, repository) -> {
    try (HttpMirror m = HttpMirror.open(mirror, TIMEOUT)) {
      Optional<byte[]> head = m.head().get(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
      if (head.isPresent() && !repository.equals(DEFAULT_REPOSITORY)
          && !repository.equals(SignedSnapshot.decode(head.get()).snapshot().origin())) {
        return Optional.empty();
      }
      return head.map(env -> new HeadInfo(env, List.of(), List.of()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof ChasmException c) {
        throw c;
      }
      throw new IOException(mirror + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(mirror + ": no answer in " + TIMEOUT.toSeconds() * 2 + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  };

  Map<String, StatusSource> BY_SCHEME = Map.of("tcp", PEER, "unix", PEER, "http", WEB, "https", WEB);
}
