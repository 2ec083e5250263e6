package io.chasm.hashtree.index;

import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.hashtree.internal.Names;
import io.chasm.hashtree.diff.TreeChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * Checks a directory against a signed snapshot: verifies the envelope against a trust policy,
 * then reads and hashes <b>every byte</b> of the directory (the index's stat cache is not trusted)
 * and compares the resulting root tree with the snapshot's. Differing paths are found by diffing
 * against the snapshot's trees in the state directory's object pack.
 *
 * <pre>{@code
 *   TreeVerifier.verify(dir, latest, TrustPolicy.single(origin));          // throws on any bad byte
 *   List<String> bad = new TreeVerifier(policy, Clock.systemUTC()).differences(dir, stateDir, latest);
 * }</pre>
 *
 * <p>Runnable: docs/samples.md, "Verify a tree".
 */
public final class TreeVerifier {
  private final TrustPolicy policy;
  private final Clock clock;
  private int threads = Runtime.getRuntime().availableProcessors();
  private IndexProgress progress = new IndexProgress();

  public TreeVerifier(TrustPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /** Hash with this many threads (default: all cores). */
  public TreeVerifier threads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    this.threads = n;
    return this;
  }

  /**
   * Counts the files and bytes hashed into {@code p}, which another thread may read (a verify
   * re-reads every byte of the tree: long work wants a progress display).
   */
  public TreeVerifier progress(IndexProgress p) {
    this.progress = java.util.Objects.requireNonNull(p);
    return this;
  }

  /**
   * Verifies {@code dir} (state in {@link StateLocation#of}) against {@code snapshot} with the system
   * clock.
   *
   * @throws VerificationException if the snapshot is not trusted ({@link SnapshotVerifier}), or
   *     {@link HashMismatchException} naming the differing paths if the tree is not the signed one
   * @throws IOException if the directory cannot be read
   * @throws MissingObjectException if the tree differs and a tree of the snapshot is not in the pack
   */
  public static void verify(Path dir, SignedSnapshot snapshot, TrustPolicy policy)
      throws IOException, MissingObjectException, VerificationException {
    List<String> diff = new TreeVerifier(policy, Clock.systemUTC()).differences(dir, StateLocation.of(dir), snapshot);
    if (!diff.isEmpty()) {
      throw new HashMismatchException(
          dir + " differs from snapshot " + snapshot.snapshot().sequence() + " at " + diff.size() + " path(s): "
              + String.join(", ", diff.subList(0, Math.min(5, diff.size())))
              + (diff.size() > 5 ? ", ..." : ""));
    }
  }

  /**
   * The paths where {@code dir} differs from the signed tree (empty if every byte matches), in
   * depth-first order. A path is listed once whether added, removed or changed.
   *
   * @param stateDir the tree's state directory: excluded from hashing; its object pack supplies
   *     the snapshot's trees for naming differences
   * @throws VerificationException if the snapshot is not trusted, or the snapshot's trees in the
   *     pack are damaged
   * @throws IOException if the directory cannot be read, or the tree differs and the pack is
   *     missing (so the paths cannot be named)
   * @throws MissingObjectException if the tree differs and a tree of the snapshot is not in the pack
   */
  public List<String> differences(Path dir, Path stateDir, SignedSnapshot signed)
      throws IOException, MissingObjectException, VerificationException {
    Snapshot s = new SnapshotVerifier(policy, clock).verify(signed, SnapshotVerifier.NONE_ACCEPTED);
    HashedTree hashed = HashedTree.of(dir, stateDir, s.chunking(), threads, FileHasher.ContentReader.DISK, progress);
    ObjectId actual = hashed.root();
    if (actual.equals(s.rootTree())) {
      return List.of();
    }
    Path pack = stateDir.resolve("objects.pack");
    if (!Files.exists(pack)) {
      throw new IOException(dir + " does not match snapshot " + s.sequence() + ", and " + pack + " is missing, so the differing paths cannot be named");
    }
    try (PackObjectStore expected = PackObjectStore.openReadOnly(pack)) {
      List<String> out = new ArrayList<>();
      for (TreeChange c : hashed.changesFrom(expected, s.rootTree())) {
        if (!skippedByMirrors(c) && !onlyMetadataTheSnapshotLacks(c)) {
          out.add(c.pathString());
        }
      }
      directoryMetadata(hashed.over(expected), s.rootTree(), actual, "", out);
      return out;
    } catch (LimitExceededException e) {
      throw new IOException("cannot compare trees: " + e.getMessage(), e);
    }
  }

  /**
   * A version-1 snapshot records no mtime or mode (tck/SPEC.md §4.1a): a file with the same
   * content then matches whatever its metadata.
   */
  private static boolean onlyMetadataTheSnapshotLacks(TreeChange c) {
    return c.type() == TreeChange.Type.MODIFIED && !c.before().hasMetadata() && c.before().sameContent(c.after());
  }

  /**
   * Directories whose own mtime or mode differs from the snapshot's: the diff descends into
   * directories without naming them, so a directory whose metadata alone differs would go unnoticed.
   */
  private static void directoryMetadata(ObjectStore store, ObjectId expected, ObjectId actual, String prefix, List<String> out)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    if (expected.equals(actual)) {
      return;
    }
    Map<ByteBuffer, TreeEntry> here = new HashMap<>();
    for (TreeEntry e : store.tree(actual).entries()) {
      here.put(ByteBuffer.wrap(e.name()), e);
    }
    for (TreeEntry e : store.tree(expected).entries()) {
      TreeEntry a = here.get(ByteBuffer.wrap(e.name()));
      if (e.kind() != EntryKind.DIRECTORY || a == null || a.kind() != EntryKind.DIRECTORY) {
        continue;
      }
      String path = prefix + Names.display(e.name());
      if (e.hasMetadata() && !e.sameMetadata(a)) {
        out.add(path);
      }
      directoryMetadata(store, e.id(), a.id(), path + "/", out);
    }
  }

  /**
   * A symlink of the snapshot that is absent here because its target is absolute or leaves the
   * tree: a mirror never creates those (tck/SPEC.md §10.4), so its absence is no difference.
   */
  private static boolean skippedByMirrors(TreeChange c) {
    if (c.type() != TreeChange.Type.REMOVED || c.before().kind() != EntryKind.SYMLINK) {
      return false;
    }
    return !SafePaths.isSafeSymlinkTarget(c.pathString(), c.before().linkTarget());
  }
}
