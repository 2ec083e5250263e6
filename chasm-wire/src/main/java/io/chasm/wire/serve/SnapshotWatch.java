package io.chasm.wire.serve;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when a snapshot is recorded in a state's {@code snapshots/} directory (a publish, or
 * a sync finishing into a served tree), by file-system notification (inotify on Linux), so a
 * server pushes a new head without polling. The history writes each envelope under a temporary
 * name and renames it into place, which notifies as a creation. Used by {@link TreeServer} and by
 * {@code chasmd}'s oracle.
 */
public final class SnapshotWatch implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotWatch.class);

  private final WatchService service;
  private final Thread thread;

  private SnapshotWatch(WatchService service, Runnable onChange, String name) {
    this.service = service;
    this.thread = new Thread(() -> run(onChange), name);
    thread.setDaemon(true);
  }

  /**
   * Watches {@code snapshots}, or returns empty if this file system cannot notify (the caller
   * then polls).
   */
  public static Optional<SnapshotWatch> start(Path snapshots, Runnable onChange) {
    WatchService s = null;
    try {
      s = FileSystems.getDefault().newWatchService();
      snapshots.register(s, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.info("cannot watch {} ({}): polling for new snapshots instead", snapshots, e.toString());
      closeQuietly(s);
      return Optional.empty();
    }
    SnapshotWatch w = new SnapshotWatch(s, onChange, "chasm-snapshot-watch");
    w.thread.start();
    return Optional.of(w);
  }

  private void run(Runnable onChange) {
    try {
      while (true) {
        WatchKey k = service.take();
        k.pollEvents();
        onChange.run();
        if (!k.reset()) {
          LOG.warn("the snapshots directory is gone: no more pushes from file-system events");
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // Closing.
    }
  }

  private static void closeQuietly(WatchService s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Nothing was watched yet.
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(service);
    thread.interrupt();
  }
}
