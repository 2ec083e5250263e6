package io.chasm.hashtree.publish;

import io.chasm.api.CorruptObjectException;
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
 * The state a synced (or published) tree keeps in {@code DEST/.chasm/}, the same layout the
 * index uses ({@code objects.pack}, {@code snapshots/}, {@code lock}) plus {@code staging/} and,
 * in flip mode, {@code trees/<sequence>/} with {@code DEST/current} pointing at the live one.
 * Holding a {@code MirrorState} holds the state lock: one writer per tree.
 */
public final class MirrorState implements Closeable {
  /** State directory name inside the tree root. */
  public static final String STATE_DIR = ".chasm";
  /** In flip mode, the symlink naming the live tree. */
  public static final String CURRENT = "current";

  private final Path dest;
  private final Path state;
  private final PackObjectStore objects;
  private final SnapshotHistory snapshots;
  private final StagingArea staging;
  private final StateLock lock;

  private MirrorState(Path dest, Path state, PackObjectStore objects, SnapshotHistory snapshots, StagingArea staging, StateLock lock) {
    this.dest = dest;
    this.state = state;
    this.objects = objects;
    this.snapshots = snapshots;
    this.staging = staging;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) the state of {@code dest} and takes its lock.
   *
   * @throws IOException if another process holds the lock or the state cannot be created
   */
  public static MirrorState open(Path dest) throws IOException {
    Path d = dest.toAbsolutePath().normalize();
    Files.createDirectories(d);
    Path state = d.resolve(STATE_DIR);
    Files.createDirectories(state);
    StateLock lock = StateLock.acquire(state);
    try {
      PackObjectStore pack = PackObjectStore.open(state.resolve("objects.pack"));
      return new MirrorState(d, state, pack, SnapshotHistory.open(state.resolve("snapshots")),
          StagingArea.open(state.resolve("staging")), lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
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

  @Override
  public void close() throws IOException {
    try {
      objects.close();
    } finally {
      lock.close();
    }
  }

  static boolean isRealDirectory(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }
}
