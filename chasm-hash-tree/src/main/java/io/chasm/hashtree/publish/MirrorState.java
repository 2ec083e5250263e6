package io.chasm.hashtree.publish;

import io.chasm.api.CorruptObjectException;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.internal.StateLock;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The state a synced (or published) tree keeps in its state directory ({@link StateLocation}:
 * outside the tree by default), the same layout the index uses ({@code objects.pack},
 * {@code snapshots/}, {@code lock}) plus {@code staging/} and, in flip mode,
 * {@code trees/<sequence>/} with {@code DEST/current} pointing at the live one.
 *
 * <p>Staging and flip trees must be on the tree's file system, so that publishing is a rename:
 * when the state directory is on another one, staging is {@value #STAGING_IN_TREE} inside the
 * tree (removed when a sync ends with nothing left in it) and flip trees are in
 * {@value #TREES_IN_TREE}. Holding a {@code MirrorState} holds the state lock: one writer per tree.
 */
public final class MirrorState implements Closeable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MirrorState.class);
  /** The legacy state directory name inside the tree root ({@link StateLocation#LEGACY_DIR}). */
  public static final String STATE_DIR = StateLocation.LEGACY_DIR;
  /** Staging inside the tree, used only when the state directory is on another file system. */
  public static final String STAGING_IN_TREE = ".chasm-staging";
  /** Flip trees inside the tree, used only when the state directory is on another file system. */
  public static final String TREES_IN_TREE = ".chasm-trees";
  /** In flip mode, the symlink naming the live tree. */
  public static final String CURRENT = "current";

  private final Path dest;
  private final Path state;
  private final PackObjectStore objects;
  private final SnapshotHistory snapshots;
  private final StagingArea staging;
  private final StateLock lock;
  private final boolean sameFileSystem;
  private final Created created;

  private MirrorState(Path dest, Path state, PackObjectStore objects, SnapshotHistory snapshots, StagingArea staging,
      StateLock lock, boolean sameFileSystem, Created created) {
    this.dest = dest;
    this.state = state;
    this.objects = objects;
    this.snapshots = snapshots;
    this.staging = staging;
    this.lock = lock;
    this.sameFileSystem = sameFileSystem;
    this.created = created;
  }

  /** The directories {@link #open} created, the topmost of each chain (null if none). */
  private record Created(Path tree, Path state) {}

  /** {@link #open(Path, Path)} with the state directory {@link StateLocation#of}{@code (dest)}. */
  public static MirrorState open(Path dest) throws IOException {
    return open(dest, null);
  }

  /**
   * Opens (creating if needed) the tree {@code dest} and its state in {@code stateDir} (null:
   * {@link StateLocation#of}{@code (dest)}) and takes the state lock.
   *
   * @throws IOException if another process holds the lock or the state cannot be created
   */
  public static MirrorState open(Path dest, Path stateDir) throws IOException {
    Path d = dest.toAbsolutePath().normalize();
    Path state = StateLocation.resolve(d, stateDir);
    Created created = new Created(createDirectories(d), createDirectories(state));
    StateLock lock = StateLock.acquire(state);
    try {
      boolean same = sameFileSystem(d, state);
      if (stateDir == null) {
        StateLocation.legacyHint(d, state).ifPresent(LOG::info);
      }
      if (!same) {
        LOG.info("state {} is on another file system than {}: staging in {} during each sync"
            + " (pass --state on the tree's file system to keep it out)", state, d, d.resolve(STAGING_IN_TREE));
      }
      Path stagingDir = same ? state.resolve("staging") : d.resolve(STAGING_IN_TREE);
      PackObjectStore pack = PackObjectStore.open(state.resolve("objects.pack"));
      return new MirrorState(d, state, pack, SnapshotHistory.open(state.resolve("snapshots")),
          StagingArea.open(stagingDir), lock, same, created);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Creates {@code dir} and its missing parents; returns the topmost one created, or null. */
  private static Path createDirectories(Path dir) throws IOException {
    Path top = null;
    for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
      top = p;
    }
    Files.createDirectories(dir);
    return top;
  }

  /** True if {@code a} and {@code b} are on one file system (same device), so a rename between them works. */
  static boolean sameFileSystem(Path a, Path b) throws IOException {
    try {
      return Files.getAttribute(a, "unix:dev").equals(Files.getAttribute(b, "unix:dev"));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.getFileStore(a).equals(Files.getFileStore(b));
    }
  }

  /**
   * True if the state directory is on the tree's file system (staging and flip trees are in it);
   * false if they are inside the tree ({@value #STAGING_IN_TREE}, {@value #TREES_IN_TREE}).
   */
  public boolean stateOnTreeFileSystem() {
    return sameFileSystem;
  }

  /** True if {@link #open} created the state directory: nothing was ever synced here. */
  public boolean isNew() {
    return created.state() != null;
  }

  /** Where flip mode keeps the complete trees, one per snapshot sequence. */
  public Path flipTrees() {
    return sameFileSystem ? state.resolve("trees") : dest.resolve(TREES_IN_TREE);
  }

  /** The directory given to {@link #open}. */
  public Path destination() {
    return dest;
  }

  public Path stateDirectory() {
    return state;
  }

  /**
   * Where the live files are: {@code DEST/current}'s target in flip mode, else {@code DEST}.
   */
  public Path liveRoot() throws IOException {
    return liveRoot(dest);
  }

  /** {@link #liveRoot()} for a tree that is not open. */
  public static Path liveRoot(Path dest) throws IOException {
    Path current = dest.resolve(CURRENT);
    if (Files.isSymbolicLink(current) && Files.isDirectory(current)) {
      return current.toRealPath();
    }
    return dest;
  }

  /** True if this tree is published in flip mode. */
  public boolean flipMode() {
    return Files.isSymbolicLink(dest.resolve(CURRENT));
  }

  public PackObjectStore objects() {
    return objects;
  }

  public SnapshotHistory snapshots() {
    return snapshots;
  }

  public StagingArea staging() {
    return staging;
  }

  /** The latest accepted envelope. */
  public Optional<SignedSnapshot> head() throws IOException, CorruptObjectException {
    return snapshots.latest();
  }

  /**
   * Closes, and removes the staging directory when it is inside the tree and empty (an
   * interrupted sync leaves its partial files there, to resume from).
   */
  @Override
  public void close() throws IOException {
    try {
      objects.close();
    } finally {
      lock.close();
    }
    if (!sameFileSystem) {
      try {
        Files.deleteIfExists(staging.directory());
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        // partial files of an interrupted sync: kept for the next run
      }
    }
  }

  /**
   * Closes and removes what {@link #open} created: the state directory, the staging directory and
   * the tree directory (each only if open created it; the tree only if still empty). For a first
   * sync that was refused, so that it leaves nothing behind.
   */
  public void closeAndDiscard() throws IOException {
    close();
    if (!sameFileSystem) {
      TreePublisher.deleteRecursively(staging.directory());
    }
    if (created.state() != null) {
      // Only the tree's own directory recursively: another tree's state may have appeared next to it meanwhile.
      TreePublisher.deleteRecursively(state);
      deleteEmptyChain(created.state(), state.getParent());
    }
    if (created.tree() != null) {
      deleteEmptyChain(created.tree(), dest);
    }
  }

  /** Deletes {@code leaf} and its parents up to {@code top}, each only while empty. */
  private static void deleteEmptyChain(Path top, Path leaf) throws IOException {
    for (Path p = leaf; p != null && p.startsWith(top); p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        return;
      }
    }
  }

  static boolean isRealDirectory(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }
}
