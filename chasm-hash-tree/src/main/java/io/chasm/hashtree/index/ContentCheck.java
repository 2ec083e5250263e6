package io.chasm.hashtree.index;

import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.diff.TreeChange;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.SafePaths;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The thorough damage check of a synced tree (rsync's {@code -c}, ZFS's scrub): reads and hashes
 * every byte, trusting no stat, and names every path of the snapshot whose content, kind or
 * execute bit differs, or that is missing. Entries the snapshot does not have are not its
 * business (they are a sync's unknown entries). Reads go through a {@link ReadPacer}, so a
 * scheduled scrub takes only its share of the disk. {@link TreeVerifier} hashes the same way but
 * checks a signature first; a sync has already accepted its snapshot.
 */
public final class ContentCheck {
  private ContentCheck() {}

  /**
   * The paths of snapshot tree {@code rootTree} that {@code root} does not hold as published,
   * depth first.
   *
   * @param stateDir excluded from hashing
   * @param objects holds every tree of {@code rootTree}; nothing is written to it
   * @param threads hashing threads
   * @throws IOException if the tree cannot be read, or the pacer's sleep is interrupted
   * @throws MissingObjectException if a tree of the snapshot is not in {@code objects}
   */
  public static List<String> differences(Path root, Path stateDir, ObjectStore objects, ObjectId rootTree,
      ChunkingParams params, ReadPacer pacer, int threads) throws IOException, MissingObjectException {
    FileHasher.ContentReader paced = (chunker, file, limit, out) -> FileHasher.ContentReader.DISK.read(chunker, file, limit,
        (chunk, buffer, offset) -> {
          try {
            pacer.acquire(chunk.length());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("check interrupted");
          }
          out.accept(chunk, buffer, offset);
        });
    HashedTree actual = HashedTree.of(root, stateDir, params, threads, paced);
    if (actual.root().equals(rootTree)) {
      return List.of();
    }
    try {
      return actual.changesFrom(objects, rootTree).stream().filter(ContentCheck::damage).map(TreeChange::pathString).toList();
    } catch (LimitExceededException | io.chasm.api.VerificationException e) {
      throw new IOException("cannot compare trees: " + e.getMessage(), e);
    }
  }

  /** Missing or different; not an extra entry, nor a symlink mirrors never create (tck/SPEC.md §10.4). */
  private static boolean damage(TreeChange c) {
    if (c.type() == TreeChange.Type.ADDED) {
      return false;
    }
    return c.before().kind() != EntryKind.SYMLINK || SafePaths.isSafeSymlinkTarget(c.pathString(), c.before().linkTarget());
  }
}
