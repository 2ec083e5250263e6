package io.chasm.hashtree.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back once a tree has changed and then stayed quiet for a while (a debounce, as ftpsync's
 * triggers wait for an upload to settle): a publish right after each change would sign half-copied
 * uploads. Watches every directory with a {@link WatchService}, registering new directories as
 * they appear; when the system's watch limit is reached (inotify's {@code max_user_watches}) it
 * logs that and compares a stat walk of the tree (path, size, mtime) at each poll instead.
 * Directories given as excluded (the state directory, which publishing writes) are not watched.
 */
public final class TreeWatcher implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(TreeWatcher.class);

  private final Path root;
  private final List<Path> excluded;
  private final long quietNanos;
  private final Duration poll;
  private final Runnable onQuiet;
  private final Thread thread;
  private final Map<WatchKey, Path> keys = new HashMap<>();
  private volatile boolean closed;
  private WatchService watch;
  private long lastWalk;

  private TreeWatcher(Path root, List<Path> excluded, Duration quiet, Duration poll, Runnable onQuiet) {
    this.root = root.toAbsolutePath().normalize();
    // The static export is written after each publish: watching it would publish again and again.
    this.excluded = java.util.stream.Stream.concat(excluded.stream(), java.util.stream.Stream.of(root.resolve(
        io.chasm.hashtree.tree.ExportLayout.DIR))).map(p -> p.toAbsolutePath().normalize()).toList();
    this.quietNanos = quiet.toNanos();
    this.poll = poll;
    this.onQuiet = Objects.requireNonNull(onQuiet);
    this.thread = new Thread(this::run, "chasm-tree-watch");
    thread.setDaemon(true);
  }

  /**
   * Starts watching {@code root}.
   *
   * @param excluded directories whose changes do not count (not watched)
   * @param quiet how long the tree must stay unchanged after a change before {@code onQuiet} runs
   * @param poll the interval of the stat walk when watching is not possible
   * @param onQuiet runs on the watcher's thread; changes made meanwhile count for the next round
   */
  public static TreeWatcher start(Path root, List<Path> excluded, Duration quiet, Duration poll, Runnable onQuiet)
      throws IOException {
    if (quiet.isNegative() || quiet.isZero() || poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("quiet and poll must be positive");
    }
    TreeWatcher w = new TreeWatcher(root, excluded, quiet, poll, onQuiet);
    w.watch = root.getFileSystem().newWatchService();
    if (!w.registerAll(w.root)) {
      w.lastWalk = w.walk();
    }
    w.thread.start();
    return w;
  }

  /** Whether the watcher fell back to stat walks (the watch limit was reached). */
  public boolean polling() {
    return watch == null;
  }

  private boolean isExcluded(Path p) {
    for (Path e : excluded) {
      if (p.startsWith(e)) {
        return true;
      }
    }
    return false;
  }

  /** Registers {@code dir} and every directory under it; false (and polling from now on) if the limit is hit. */
  private boolean registerAll(Path dir) throws IOException {
    if (watch == null) {
      return false;
    }
    try {
      DirectoryWatches.registerAll(dir, watch, keys, this::isExcluded);
      return true;
    } catch (IOException e) {
      LOG.warn("cannot watch {} ({}): comparing stat walks every {} instead", dir, e.getMessage(), poll);
      watch.close();
      watch = null;
      keys.clear();
      return false;
    }
  }

  /** A fingerprint of every path's size and mtime outside the excluded directories. */
  private long walk() throws IOException {
    long[] h = {1};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
        return isExcluded(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
        h[0] = h[0] * 31 + f.hashCode() * 17L + a.size() * 13 + a.lastModifiedTime().toMillis();
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return h[0];
  }

  private void run() {
    long changedAt = 0;
    boolean dirty = false;
    while (!closed) {
      try {
        long waitNanos = dirty ? Math.max(1, quietNanos - (System.nanoTime() - changedAt)) : poll.toNanos();
        if (watch != null ? waitForEvents(Math.min(waitNanos, poll.toNanos())) : changedByWalk(waitNanos)) {
          dirty = true;
          changedAt = System.nanoTime();
        } else if (dirty && System.nanoTime() - changedAt >= quietNanos) {
          dirty = false;
          onQuiet.run();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("watching {}: {}", root, e.toString());
      }
    }
  }

  /** True if anything outside the excluded directories changed within {@code nanos}. */
  private boolean waitForEvents(long nanos) throws InterruptedException, IOException {
    WatchKey k = watch.poll(nanos, TimeUnit.NANOSECONDS);
    boolean changed = false;
    while (k != null) {
      Path dir = keys.get(k);
      for (WatchEvent<?> e : k.pollEvents()) {
        if (e.kind() == StandardWatchEventKinds.OVERFLOW || dir == null) {
          changed = true;
          continue;
        }
        Path p = dir.resolve((Path) e.context());
        if (isExcluded(p)) {
          continue;
        }
        changed = true;
        if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          registerAll(p);
        }
      }
      if (!k.reset()) {
        keys.remove(k);
      }
      if (watch == null) {
        return true;
      }
      k = watch.poll();
    }
    return changed;
  }

  private boolean changedByWalk(long nanos) throws InterruptedException, IOException {
    TimeUnit.NANOSECONDS.sleep(Math.min(nanos, poll.toNanos()));
    long now = walk();
    boolean changed = now != lastWalk;
    lastWalk = now;
    return changed;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    thread.interrupt();
    WatchService w = watch;
    if (w != null) {
      w.close();
    }
  }
}
