package io.chasm.wire.serve;

import io.chasm.api.ChasmException;
import io.chasm.wire.peer.PeerServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PeerServer} serving one {@link PublishedTree}, watching it for newly recorded
 * snapshots (a publish on the origin, a finished sync on a mirror; by file-system notification,
 * polling only where there is none) and pushing them to subscribers. What {@code chasm serve} runs; usable as is by daemons.
 *
 * <pre>
 *   try (TreeServer s = TreeServer.start(dir, List.of(URI.create("tcp://127.0.0.1:0")))) { ... }
 * </pre>
 */
public final class TreeServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(TreeServer.class);
  /** Also answered: lets {@code chasm sync URI DEST} work without naming the repository. */
  public static final String DEFAULT_ALIAS = "default";

  private final PublishedTree tree;
  private final PeerServer server;
  private final List<URI> uris = new ArrayList<>();
  private final ScheduledExecutorService watcher;
  private final SnapshotWatch notified;
  /** The sequence served at the last {@link #poll()} (guarded by this). */
  private long reported;

  private TreeServer(PublishedTree tree, PeerServer server, Duration poll) {
    this.tree = tree;
    this.server = server;
    this.reported = tree.sequence();
    this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chasm-tree-watch");
      t.setDaemon(true);
      return t;
    });
    // Notified, not polled: a new snapshot is pushed as soon as it is recorded. The poll remains
    // only where the file system cannot notify.
    this.notified = SnapshotWatch.start(tree.stateDirectory().resolve("snapshots"), this::pollSoon).orElse(null);
    if (notified == null) {
      watcher.scheduleWithFixedDelay(this::load, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** {@link #start(Path, List, UnaryOperator, Duration)} with default server settings, polling every second. */
  public static TreeServer start(Path dir, List<URI> listen) throws IOException, ChasmException {
    return start(dir, listen, b -> b, Duration.ofSeconds(1));
  }

  /**
   * Opens the published tree in {@code dir} and listens on every URI.
   *
   * @param configure adjusts the server (identity, allowlist, limits) before it is built
   * @param poll how often to look for a newly recorded snapshot if the file system cannot notify
   */
  public static TreeServer start(Path dir, List<URI> listen, UnaryOperator<PeerServer.Builder> configure, Duration poll)
      throws IOException, ChasmException {
    return start(dir, null, listen, configure, poll);
  }

  /**
   * {@link #start(Path, List, UnaryOperator, Duration)} with the tree's state in {@code stateDir}
   * (null: {@link io.chasm.hashtree.index.StateLocation#of}{@code (dir)}).
   */
  public static TreeServer start(Path dir, Path stateDir, List<URI> listen, UnaryOperator<PeerServer.Builder> configure,
      Duration poll) throws IOException, ChasmException {
    PublishedTree tree = PublishedTree.open(dir, stateDir, Set.of(DEFAULT_ALIAS));
    PeerServer server;
    try {
      server = configure.apply(PeerServer.builder(tree)).build();
    } catch (RuntimeException e) {
      tree.close();
      throw e;
    }
    TreeServer ts = new TreeServer(tree, server, poll);
    try {
      for (URI u : listen) {
        ts.uris.add(server.listen(u));
      }
    } catch (ChasmException | RuntimeException e) {
      ts.close();
      throw e;
    }
    return ts;
  }

  /** The bound URIs (real ports). */
  public List<URI> uris() {
    return List.copyOf(uris);
  }

  public PublishedTree tree() {
    return tree;
  }

  public PeerServer server() {
    return server;
  }

  private void pollSoon() {
    try {
      watcher.execute(this::load);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // Closing: nobody to push to.
    }
  }

  /**
   * Looks for a new snapshot now and pushes it to subscribers if there is one.
   *
   * @return true if a newer snapshot is served than at the previous call (loaded by this call or
   *     already by a file-system notification), so a caller that recorded one learns it is served
   */
  public synchronized boolean poll() {
    load();
    long now = tree.sequence();
    boolean fresh = now > reported;
    reported = now;
    return fresh;
  }

  private void load() {
    try {
      if (tree.refresh()) {
        for (String name : tree.names()) {
          server.publish(name);
        }
      }
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.warn("cannot load the new snapshot of {}: {}", tree, e.getMessage());
    }
  }


  @Override
  public void close() {
    if (notified != null) {
      notified.close();
    }
    watcher.shutdownNow();
    server.close();
    try {
      tree.close();
    } catch (IOException e) {
      LOG.debug("closing {}: {}", tree, e.toString());
    }
  }
}
