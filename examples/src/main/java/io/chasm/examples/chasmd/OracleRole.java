package io.chasm.examples.chasmd;

import io.chasm.api.ChasmException;
import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.IndexWatcher;
import io.chasm.hashtree.publish.QuietPublisher;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.OracleBackend;
import io.chasm.wire.serve.SnapshotWatch;
import java.io.Closeable;
import io.chasm.hashtree.index.StateLocation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chasmd oracle}: owns a tree's published state and serves it on a Unix socket to the
 * node's other processes (peer, fetcher, {@code chasm publish}), which may Announce there. It
 * never listens on the network. New snapshots are loaded when announced, or when recorded in the
 * state's {@code snapshots/} by another process, noticed by file-system notification ({@link
 * SnapshotWatch}); where the file system cannot notify, every {@code oracle.poll} instead. They are
 * pushed to every subscriber of every server that serves this backend.
 * An origin's oracle given its key may also publish by itself once the tree is quiet after changes.
 * With {@code oracle.watch-tree} it keeps the journal of dirty paths ({@link IndexWatcher}) that
 * lets {@code chasm publish} and {@code chasm index} stat only what changed. Given the origin's key
 * ({@code oracle.key}) it also publishes on request ({@link DaemonPublisher}, {@code STATE/publish.sock}).
 */
final class OracleRole implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(OracleRole.class);

  private final OracleBackend backend;
  private final PeerServer server;
  private final URI socket;
  private final List<PeerServer> pushTo = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService poller;
  private final SnapshotWatch watch;
  private QuietPublisher autoPublish;
  private IndexWatcher indexWatch;
  private DaemonPublisher publisher;

  private OracleRole(OracleBackend backend, PeerServer server, URI socket, Path snapshots, Duration poll) {
    this.backend = backend;
    this.server = server;
    this.socket = socket;
    pushTo.add(server);
    backend.onNewHead(this::push);
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chasmd-oracle-poll");
      t.setDaemon(true);
      return t;
    });
    watch = SnapshotWatch.start(snapshots, this::poll).orElse(null);
    if (watch == null && poll != null) {
      poller.scheduleWithFixedDelay(this::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  static OracleRole start(DaemonConfig c, TrustPolicy trust) throws IOException, ChasmException {
    Path tree = c.tree();
    if (Files.exists(tree) && !Files.isDirectory(tree)) {
      throw new IOException("tree " + tree + " is not a directory");
    }
    // As chasm sync does: a new mirror's tree need not exist before its first sync.
    Files.createDirectories(tree);
    Path state = c.stateDirectory();
    Files.createDirectories(state);
    StateLocation.legacyHint(tree, state).filter(h -> c.stateSetting() == null).ifPresent(LOG::info);
    Set<String> aliases = new LinkedHashSet<>();
    aliases.add(FetcherRole.DEFAULT_REPOSITORY);
    if (c.isSet(DaemonKeys.REPOSITORY)) {
      aliases.add(c.get(DaemonKeys.REPOSITORY));
    }
    OracleBackend backend = new OracleBackend(tree, c.stateSetting(), aliases, c.bool(DaemonKeys.ORACLE_CHECK_CHUNKS), trust);
    if (!c.bool(DaemonKeys.ORACLE_CHECK_CHUNKS)) {
      LOG.warn("oracle.check-served-chunks=false: chunks are sent as the live files hold them, unchecked");
    }
    // Only the node's own processes reach this socket (mode 660 by default): they may announce.
    PeerServer server = PeerServer.builder(backend).anyoneMayAnnounce(true).agent("chasmd-oracle").build();
    URI socket = c.oracleSocket();
    Files.createDirectories(Path.of(socket.getPath()).getParent());
    Path snapshots = Files.createDirectories(state.resolve("snapshots"));
    OracleRole role = new OracleRole(backend, server, socket, snapshots, c.oraclePoll());
    try {
      role.poll();
      // Started before the socket listens: once chasmd is up, publish can trust the journal.
      if (c.bool(DaemonKeys.ORACLE_WATCH_TREE)) {
        role.indexWatch = IndexWatcher.start(tree, state);
      }
      server.listen(URI.create(socket + "?mode=" + c.get(DaemonKeys.ORACLE_SOCKET_MODE)));
      if (c.isSet(DaemonKeys.ORACLE_KEY)) {
        role.publisher = new DaemonPublisher(tree, state, originName(c, tree),
            KeyFiles.readSigner(Path.of(c.get(DaemonKeys.ORACLE_KEY))), s -> role.poll());
        role.publisher.listen(c.get(DaemonKeys.ORACLE_SOCKET_MODE));
      }
      role.autoPublish = autoPublish(c, role.publisher, role::poll);
    } catch (ChasmException | IOException | RuntimeException e) {
      role.close();
      throw e;
    }
    LOG.info("oracle of {} on {} (serving #{})", tree, socket, backend.sequence());
    return role;
  }

  /**
   * The origin publishes by itself once its tree is quiet after changes ({@code
   * oracle.auto-publish-quiet}); the new snapshot is then loaded and pushed as an announced one.
   */
  private static QuietPublisher autoPublish(DaemonConfig c, DaemonPublisher publisher, Runnable load) throws IOException {
    Duration quiet = c.autoPublishQuiet();
    if (quiet == null) {
      return null;
    }
    Signer key = KeyFiles.readSigner(Path.of(c.get(DaemonKeys.ORACLE_KEY)));
    // Through the publisher's cache: the index stays in memory and the two never race for its lock.
    return QuietPublisher.start(publisher::open, originName(c, c.tree()), c.duration(DaemonKeys.ORACLE_AUTO_PUBLISH_EXPIRES),
        quiet, quiet, s -> load.run(), key);
  }

  /** The repository name of a first snapshot signed here. */
  private static String originName(DaemonConfig c, Path tree) {
    return c.isSet(DaemonKeys.REPOSITORY) ? c.get(DaemonKeys.REPOSITORY)
        : tree.getFileName() == null ? "root" : tree.getFileName().toString();
  }

  /** The backend, for a peer role in the same JVM (no socket hop). */
  OracleBackend backend() {
    return backend;
  }

  URI socket() {
    return socket;
  }

  /** Pushes new heads also to the subscribers of {@code other} (an in-process peer). */
  void pushAlsoTo(PeerServer other) {
    pushTo.add(other);
  }

  private void push(List<String> names) {
    for (PeerServer s : pushTo) {
      names.forEach(s::publish);
    }
  }

  private void poll() {
    try {
      backend.refresh();
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.warn("cannot load the newest snapshot: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    if (indexWatch != null) {
      indexWatch.close();
    }
    poller.shutdownNow();
    if (publisher != null) {
      try {
        publisher.close();
      } catch (IOException e) {
        LOG.debug("closing the publish socket: {}", e.toString());
      }
    }
    if (autoPublish != null) {
      try {
        autoPublish.close();
      } catch (IOException e) {
        LOG.debug("closing the auto-publisher: {}", e.toString());
      }
    }
    server.close();
    try {
      backend.close();
    } catch (IOException e) {
      LOG.debug("closing {}: {}", backend, e.toString());
    }
    LOG.info("oracle stopped");
  }
}
