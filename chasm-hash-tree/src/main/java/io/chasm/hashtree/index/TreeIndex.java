package io.chasm.hashtree.index;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.Signer;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotBuilder;
import io.chasm.hashtree.internal.StateLock;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.hashtree.store.PackObjectStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful index of a live directory tree, like git's index: for every path its (device,
 * inode, size, mtime, ctime), file id and chunk list. {@link #update()} stats every entry and
 * rehashes only files whose stat changed (or that were modified too close to their last hashing to
 * be trusted), on all cores, then rebuilds only the trees on changed paths.
 *
 * <p>State lives in a directory (by default outside the tree, see {@link StateLocation}; excluded
 * from the tree when given inside it):
 *
 * <ul>
 *   <li>{@code index}: the entries, versioned and checksummed, replaced atomically;
 *   <li>{@code objects.pack}: every tree and file manifest ever indexed ({@link PackObjectStore});
 *   <li>{@code snapshots/}: signed snapshot envelopes by sequence ({@link SnapshotHistory});
 *   <li>{@code lock}: held while open, so two processes never update one index.
 * </ul>
 *
 * A damaged index file is detected by its checksum and rebuilt with a warning. Symlinks are
 * recorded, never followed; sockets, devices and fifos are skipped with a warning.
 *
 * <p>One instance per state directory; methods are not to be called concurrently, except {@link
 * #locator()}'s lookups, which are thread-safe.
 */
public final class TreeIndex implements Closeable {
  /**
   * Name of the legacy state directory inside the indexed tree ({@link StateLocation#LEGACY_DIR});
   * the default is now outside the tree ({@link StateLocation#of}).
   */
  public static final String DEFAULT_STATE_DIR = StateLocation.LEGACY_DIR;

  private static final Logger LOG = LoggerFactory.getLogger(TreeIndex.class);

  private final Path root;
  private final Path state;
  private final ChunkingParams params;
  private final PackObjectStore objects;
  private final SnapshotHistory snapshots;
  private final StateLock lock;
  private final List<String> pendingWarnings = new ArrayList<>();
  private int threads = Runtime.getRuntime().availableProcessors();
  private volatile IndexTable table;
  private volatile ObjectId rootTree;
  private volatile TableChunkLocator locator;
  private String lastWalk;
  /** A daemon's copy of the table between opens, or null. */
  private IndexCache cache;
  /** How long a journal read waits for the watcher to confirm it has caught up; then a full walk. */
  static final Duration JOURNAL_SYNC_WAIT = Duration.ofSeconds(10);

  private TreeIndex(
      Path root, Path state, ChunkingParams params, PackObjectStore objects, SnapshotHistory snapshots, StateLock lock) {
    this.root = root;
    this.state = state;
    this.params = params;
    this.objects = objects;
    this.snapshots = snapshots;
    this.lock = lock;
  }

  /** Opens the index of {@code root} with state in {@link StateLocation#of}{@code (root)} and default chunking. */
  public static TreeIndex open(Path root) throws IOException {
    return open(root, StateLocation.of(root), ChunkingParams.DEFAULT);
  }

  /**
   * Opens (creating if needed) the index of {@code root} with state in {@code stateDir}.
   *
   * @throws IOException if {@code root} is not a directory, the state cannot be created, or
   *     another process holds it
   */
  public static TreeIndex open(Path root, Path stateDir, ChunkingParams params) throws IOException {
    return open(root, stateDir, params, null);
  }

  /**
   * As {@link #open(Path, Path, ChunkingParams)}, taking the table from {@code cache} when it
   * still matches the index file (a daemon that publishes again and again reads the file once),
   * and leaving the table there on close. Opens through one cache wait for each other.
   */
  public static TreeIndex open(Path root, Path stateDir, ChunkingParams params, IndexCache cache) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + ": not a directory");
    }
    Files.createDirectories(stateDir);
    if (cache != null) {
      cache.acquire();
    }
    StateLock lock = null;
    PackObjectStore pack = null;
    try {
      lock = StateLock.acquire(stateDir);
      pack = PackObjectStore.open(stateDir.resolve("objects.pack"));
      TreeIndex index = new TreeIndex(root, stateDir, params, pack, SnapshotHistory.open(stateDir.resolve("snapshots")), lock);
      index.cache = cache;
      index.load();
      return index;
    } catch (IOException | RuntimeException e) {
      if (pack != null) {
        pack.close();
      }
      if (lock != null) {
        lock.close();
      }
      if (cache != null) {
        cache.release();
      }
      throw e;
    }
  }

  private void load() throws IOException {
    long start = System.nanoTime();
    Path f = indexFile();
    IndexTable t = new IndexTable();
    ObjectId r = null;
    IndexCache.Cached cached = cache == null ? null : cache.lookup(f);
    if (cached != null && cached.packLength() <= objects.length()) {
      table = cached.table();
      rootTree = cached.root();
      LOG.debug("index of {} entries kept in memory", table.count);
      return;
    }
    if (Files.exists(f)) {
      try {
        IndexFile.Loaded loaded = IndexFile.read(f);
        if (!loaded.params().equals(params)) {
          warn(f + ": indexed with " + loaded.params() + ", now " + params + "; rehashing everything");
        } else if (objects.length() < loaded.packLength()) {
          // The pack only grows: shorter than when the index was written means objects were lost.
          warn(f + ": the object pack lost objects since the index was written; rebuilding the index");
        } else {
          t = loaded.table();
          r = loaded.root();
          if (cache != null) {
            cache.remember(f, t, r, loaded.packLength());
          }
        }
      } catch (CorruptObjectException e) {
        warn(e.getMessage() + "; rebuilding the index");
      }
    }
    table = t;
    rootTree = r;
    LOG.debug("loaded index of {} entries in {} ms", t.count, (System.nanoTime() - start) / 1_000_000);
  }

  private void warn(String message) {
    LOG.warn(message);
    pendingWarnings.add(message);
  }

  private Path indexFile() {
    return state.resolve("index");
  }

  /** Hash with this many threads (default: all cores). */
  public TreeIndex threads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    this.threads = n;
    return this;
  }

  /** Re-indexes the tree; see the class comment. */
  public IndexResult update() throws IOException {
    return update(new IndexProgress());
  }

  /**
   * Re-indexes the tree, reporting progress to {@code progress}.
   *
   * @throws IOException naming the path, if an entry cannot be read, keeps changing while hashed,
   *     or vanishes; the previous index stays in place
   */
  public IndexResult update(IndexProgress progress) throws IOException {
    return update(progress, null);
  }

  /**
   * Re-indexes the tree like {@link #update(IndexProgress)}, but when an {@link IndexWatcher} runs
   * on this state directory and its journal covers everything since this index was written, stats
   * only the paths it names (and files still too recent to trust): the cost of a run follows the
   * change, not the tree. Otherwise (no watcher, events lost, index older than the journal) it walks
   * the whole tree. {@link #lastWalk()} says which.
   */
  public IndexResult updateFromJournal(IndexProgress progress) throws IOException {
    DirtyJournal.Pending p = DirtyJournal.read(state, String.valueOf(rootTree), JOURNAL_SYNC_WAIT.toNanos());
    IndexResult r = update(progress, p.incremental() ? p : null);
    if (!p.incremental()) {
      lastWalk = "full: " + p.fullWalkReason();
    }
    DirtyJournal.consumed(state, p, String.valueOf(rootTree));
    return r;
  }

  /** How the last update walked the tree: {@code full} (with the reason after a journal read) or {@code journal: N paths}. */
  public String lastWalk() {
    return lastWalk;
  }

  private IndexResult update(IndexProgress progress, DirtyJournal.Pending dirty) throws IOException {
    long start = System.nanoTime();
    Indexer indexer = new Indexer(root, state, params, objects, progress, threads);
    if (dirty != null) {
      indexer.onlyDirty(dirty);
    }
    Indexer.Outcome o = indexer.run(table, rootTree);
    lastWalk = indexer.walkKind();
    objects.sync();
    if (o.changed() || rootTree == null) {
      if (cache != null) {
        cache.forget();
      }
      IndexFile.write(indexFile(), o.table(), params, o.root(), objects.length());
      if (cache != null) {
        cache.remember(indexFile(), o.table(), o.root(), objects.length());
      }
    }
    table = o.table();
    rootTree = o.root();
    locator = null;
    List<String> warnings = new ArrayList<>(pendingWarnings);
    warnings.addAll(o.warnings());
    pendingWarnings.clear();
    return summarize(o, warnings, Duration.ofNanos(System.nanoTime() - start));
  }

  private IndexResult summarize(Indexer.Outcome o, List<String> warnings, Duration elapsed) {
    IndexTable t = o.table();
    long files = 0;
    long dirs = 0;
    long links = 0;
    long bytes = 0;
    for (int i = 0; i < t.count; i++) {
      switch (t.kind(i)) {
        case IndexTable.DIRECTORY -> dirs++;
        case IndexTable.SYMLINK -> links++;
        default -> {
          files++;
          bytes += t.size[i];
        }
      }
    }
    return new IndexResult(o.root(), files, dirs, links, bytes, t.chunkCount, o.rehashedFiles(), o.rehashedBytes(), elapsed, warnings);
  }

  /** The root tree id of the last update (or of the index loaded from disk). */
  public Optional<ObjectId> rootTree() {
    return Optional.ofNullable(rootTree);
  }

  public Path root() {
    return root;
  }

  public Path stateDirectory() {
    return state;
  }

  public ChunkingParams chunking() {
    return params;
  }

  /** Every tree and file manifest indexed so far, including those of earlier snapshots. */
  public PackObjectStore objects() {
    return objects;
  }

  /** Signed snapshots published or accepted for this tree. */
  public SnapshotHistory snapshots() {
    return snapshots;
  }

  /** Finds chunks of the indexed files (as of the last update). */
  public ChunkLocator locator() {
    TableChunkLocator l = locator;
    if (l == null) {
      l = new TableChunkLocator(root, table);
      locator = l;
    }
    return l;
  }

  /**
   * Signs the current root tree as the next snapshot (sequence one above the latest in {@link
   * #snapshots()}, or 1) and stores it in the history.
   *
   * @param origin the repository's name; ignored after the first snapshot, which fixes it
   * @throws IllegalStateException if {@link #update()} never ran
   * @throws CorruptObjectException if the latest stored snapshot is damaged
   */
  public SignedSnapshot publish(String origin, Duration validity, Signer... signers)
      throws IOException, CorruptObjectException {
    ObjectId r = rootTree().orElseThrow(() -> new IllegalStateException("update() the index before publishing"));
    Optional<SignedSnapshot> previous = snapshots.latest();
    SnapshotBuilder b = previous.isPresent() ? previous.get().snapshot().next(r) : Snapshot.first(origin, r);
    Instant now = Instant.now();
    if (previous.isPresent() && previous.get().snapshot().created().isAfter(now)) {
      now = previous.get().snapshot().created();
    }
    SignedSnapshot s = b.chunking(params).createdAt(now).expiresIn(validity).sign(signers);
    snapshots.append(s);
    return s;
  }

  /**
   * Bytes of heap the index's entries occupy (columns plus the chunk locator's table once built);
   * about a hundred bytes per entry plus its path and 36 per chunk. Excludes the object pack's
   * lookup table ({@link PackObjectStore#footprint()}).
   */
  public long footprint() {
    TableChunkLocator l = locator;
    return table.footprint() + (l == null ? 0 : l.footprint());
  }

  /** Number of entries (files, directories, symlinks) indexed. */
  public int size() {
    return table.count;
  }

  @Override
  public void close() throws IOException {
    try {
      objects.close();
    } finally {
      try {
        lock.close();
      } finally {
        if (cache != null) {
          cache.release();
          cache = null;
        }
      }
    }
  }

  @Override
  public String toString() {
    return "TreeIndex[" + root + ", state " + state + "]";
  }
}
