package io.chasm.examples.chasmd;

import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.trust.PublicKey;
import io.chasm.examples.config.AdmissionSettings;
import io.chasm.examples.metrics.NodeMetrics;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.wire.peer.ClientBackend;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.serve.OracleBackend;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chasmd peer}: answers other mirrors on the network. On its own it relays every request
 * to the oracle's Unix socket (a {@link ClientBackend}), so it needs no access to the tree and
 * can run as an unprivileged user; in one JVM with the oracle it serves the oracle's backend
 * directly. Nobody may Announce here. Each new head of the oracle is pushed to subscribers.
 */
final class PeerRole implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerRole.class);

  private final PeerServer server;
  private final ClientBackend relay;
  private final List<URI> uris = new ArrayList<>();
  /** Names downstreams may subscribe by; every one is pushed on a new head. */
  private final Set<String> names = ConcurrentHashMap.newKeySet();

  private PeerRole(PeerServer server, ClientBackend relay) {
    this.server = server;
    this.relay = relay;
  }

  /** A peer relaying to the oracle at {@code c.oracleSocket()}. */
  static PeerRole relaying(DaemonConfig c, NodeMetrics metrics) throws IOException, ChasmException {
    ClientBackend relay = new ClientBackend(c.oracleSocket(), ClientOptions.defaults().withAgent("chasmd-peer"));
    PeerRole role;
    try {
      role = start(c, relay, relay, metrics);
    } catch (IOException | ChasmException | RuntimeException e) {
      relay.close();
      throw e;
    }
    role.names.add(FetcherRole.DEFAULT_REPOSITORY);
    if (c.isSet(DaemonKeys.REPOSITORY)) {
      role.names.add(c.get(DaemonKeys.REPOSITORY));
    }
    relay.watch(List.copyOf(role.names), r -> role.pushAll());
    return role;
  }

  /** A peer serving the oracle's backend in this JVM. */
  static PeerRole inProcess(DaemonConfig c, OracleRole oracle, NodeMetrics metrics) throws IOException, ChasmException {
    PeerRole role = start(c, oracle.backend(), null, metrics);
    oracle.pushAlsoTo(role.server);
    return role;
  }

  private static PeerRole start(DaemonConfig c, RepositoryBackend backend, ClientBackend relay, NodeMetrics metrics)
      throws IOException, ChasmException {
    PeerServer.Builder b = AdmissionSettings.apply(PeerServer.builder(backend).agent("chasmd-peer"), c.settings());
    if (metrics != null) {
      b.decorateBackend(metrics.countServed());
    }
    if (c.isSet(DaemonKeys.PEER_IDENTITY)) {
      b.identity(KeyFiles.readSigner(Path.of(c.get(DaemonKeys.PEER_IDENTITY))));
    }
    List<Path> allow = c.paths(DaemonKeys.PEER_ALLOW);
    if (!allow.isEmpty()) {
      List<PublicKey> keys = new ArrayList<>();
      for (Path p : allow) {
        keys.add(KeyFiles.readPublicKey(p));
      }
      b.allowlist(keys);
    }
    PeerRole role = new PeerRole(b.build(), relay);
    if (metrics != null) {
      metrics.peerServer(role.server);
    }
    try {
      for (URI u : c.uris(DaemonKeys.PEER_LISTEN)) {
        role.uris.add(role.server.listen(u));
      }
    } catch (ChasmException | RuntimeException e) {
      role.server.close();
      throw e;
    }
    LOG.info("peer listening on {} ({})", role.uris, relay == null ? "in-process oracle" : "relaying to " + relay.upstream());
    return role;
  }

  /** The relay to the oracle, or null when the oracle is in this JVM. */
  ClientBackend relay() {
    return relay;
  }

  /** The bound URIs (real ports). */
  List<URI> uris() {
    return List.copyOf(uris);
  }

  /** Learns the origin's name from the head (downstreams may subscribe by it) and pushes. */
  private void pushAll() {
    try {
      Optional<byte[]> head = relay.head(FetcherRole.DEFAULT_REPOSITORY);
      if (head.isPresent()) {
        names.add(SignedSnapshot.decode(head.get()).snapshot().origin());
      }
    } catch (CorruptObjectException e) {
      LOG.warn("the oracle's head does not decode: {}", e.getMessage());
    } catch (IOException | ChasmException e) {
      LOG.debug("cannot read the oracle's head: {}", e.getMessage());
    }
    names.forEach(server::publish);
  }

  @Override
  public void close() {
    server.close();
    if (relay != null) {
      relay.close();
    }
    LOG.info("peer stopped");
  }
}
