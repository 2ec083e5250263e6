package io.chasm.hashtree.index;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

/**
 * Keeps the journal of dirty paths of a tree ({@code STATE/index-dirty}, tck/SPEC.md §6.7):
 * watches every directory (inotify through {@link WatchService}) and appends each changed path,
 * so that {@link TreeIndex#updateFromJournal} stats only those. Where it cannot be sure it saw
 * everything (start, event overflow) it appends a full-walk marker; when the system's watch limit is reached it stops and removes the journal, so
 * index runs walk the whole tree as before. It holds {@code STATE/index-dirty.lock} while it runs.
 */
public final class IndexWatcher implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexWatcher.class);
  /** A longer journal starts a new generation: one full walk, and the file stays small. */
  static final long MAX_JOURNAL = 64L << 20;

  private final Path root;
  private final Path state;
  private final Path export;
  private final Map<WatchKey, Path> keys = new HashMap<>();
  private final WatchService watch;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Thread thread;
  private OutputStream out;
  private long written;
  private volatile boolean closed;

  private IndexWatcher(Path root, Path state) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.state = state.toAbsolutePath().normalize();
    this.export = this.root.resolve(io.chasm.hashtree.tree.ExportLayout.DIR);
    Files.createDirectories(this.state);
    lockChannel = FileChannel.open(this.state.resolve(DirtyJournal.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l = lockChannel.tryLock();
    if (l == null) {
      lockChannel.close();
      throw new IOException(this.state + ": another index watcher is running");
    }
    lock = l;
    DirtyJournal.watching(this.state, true);
    watch = root.getFileSystem().newWatchService();
    thread = new Thread(this::run, "chasm-index-watch");
    thread.setDaemon(true);
  }

  /** Starts journalling the changes of {@code root} into {@code state} (which it never watches as part of the tree). */
  public static IndexWatcher start(Path root, Path state) throws IOException {
    IndexWatcher w = new IndexWatcher(root, state);
    try {
      w.newGeneration();
      w.keys.put(w.state.register(w.watch, ENTRY_CREATE, ENTRY_MODIFY), w.state);
      if (!w.registerAll(w.root)) {
        throw new IOException("watch limit reached");
      }
    } catch (IOException | RuntimeException e) {
      w.giveUp(e.getMessage());
      throw e;
    }
    w.thread.start();
    return w;
  }

  /** Truncates the journal to a new generation whose first line asks for a full walk. */
  private void newGeneration() throws IOException {
    if (out != null) {
      out.close();
    }
    out = Files.newOutputStream(state.resolve(DirtyJournal.JOURNAL), StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    byte[] head = (DirtyJournal.MAGIC + DirtyJournal.newGeneration() + "\n!\n").getBytes(StandardCharsets.US_ASCII);
    out.write(head);
    out.flush();
    written = head.length;
  }

  private boolean excluded(Path p) {
    return p.startsWith(state) || p.startsWith(export);
  }

  private boolean registerAll(Path dir) {
    try {
      DirectoryWatches.registerAll(dir, watch, keys, this::excluded);
      return true;
    } catch (IOException e) {
      LOG.warn("cannot watch {} ({}): index runs walk the whole tree", dir, e.getMessage());
      return false;
    }
  }

  private void run() {
    try {
      while (!closed) {
        WatchKey k = watch.take();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        String token = null;
        // Drain everything queued: a key re-queued on reset may hold events older than a sync token.
        while (k != null) {
          token = handle(k, batch, token);
          if (out == null) {
            return;
          }
          k = watch.poll();
        }
        if (token != null) {
          batch.writeBytes(("S " + token + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        append(batch.toByteArray());
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    } catch (IOException | RuntimeException e) {
      giveUp(e.toString());
    }
  }

  private String handle(WatchKey k, ByteArrayOutputStream batch, String token) throws IOException {
    Path dir = keys.get(k);
    for (WatchEvent<?> e : k.pollEvents()) {
      if (e.kind() == OVERFLOW || dir == null) {
        batch.writeBytes("!\n".getBytes(StandardCharsets.US_ASCII));
        continue;
      }
      Path p = dir.resolve((Path) e.context());
      if (dir.equals(state)) {
        if (p.getFileName().toString().equals(DirtyJournal.SYNC)) {
          token = readToken(p, token);
        }
        continue;
      }
      if (excluded(p)) {
        continue;
      }
      byte[] rel = root.relativize(p).toString().getBytes(StandardCharsets.UTF_8);
      boolean created = e.kind() == ENTRY_CREATE;
      batch.writeBytes(DirtyJournal.line(created ? 'C' : e.kind() == ENTRY_DELETE ? 'D' : 'M', rel));
      if (created && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !registerAll(p)) {
        giveUp("watch limit reached");
        return token;
      }
    }
    if (!k.reset()) {
      keys.remove(k);
    }
    return token;
  }

  private static String readToken(Path p, String previous) {
    try {
      return Files.readString(p, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return previous;
    }
  }

  private synchronized void append(byte[] b) throws IOException {
    if (b.length == 0) {
      return;
    }
    if (written + b.length > MAX_JOURNAL) {
      newGeneration();
    }
    out.write(b);
    out.flush();
    written += b.length;
  }

  /** Stops journalling and removes the journal, so index runs fall back to full walks. */
  private void giveUp(String why) {
    LOG.warn("index watcher of {} stopped ({}): index runs walk the whole tree", root, why);
    closeQuietly();
    try {
      Files.deleteIfExists(state.resolve(DirtyJournal.JOURNAL));
    } catch (IOException e) {
      LOG.debug("removing the journal: {}", e.toString());
    }
  }

  private void closeQuietly() {
    closed = true;
    try {
      watch.close();
    } catch (IOException e) {
      LOG.debug("closing the watch: {}", e.toString());
    }
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the journal: {}", e.toString());
    }
    out = null;
    DirtyJournal.watching(state, false);
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("releasing the lock: {}", e.toString());
    }
  }

  /** Test hook: journals an overflow as the kernel's event queue overflowing would. */
  void simulateOverflow() throws IOException {
    append("!\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether it is still journalling (false after the watch limit or an error made it give up). */
  public boolean running() {
    return !closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
  }
}
