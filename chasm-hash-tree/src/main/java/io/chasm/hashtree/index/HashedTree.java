package io.chasm.hashtree.index;

import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.diff.TreeChange;
import io.chasm.hashtree.diff.TreeDiff;
import io.chasm.hashtree.store.InMemoryObjectStore;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A directory as it is on disk, hashed from scratch (no stat trusted) without writing anything to
 * its state: the root id, and the trees kept in memory so that it can be compared with a snapshot.
 * What {@link TreeVerifier} and {@link ContentCheck} both start from.
 */
final class HashedTree {
  private final InMemoryObjectStore trees = new InMemoryObjectStore();
  private final ObjectId root;

  private HashedTree(Path dir, Path stateDir, ChunkingParams params, int threads, FileHasher.ContentReader reader,
      IndexProgress progress) throws IOException {
    ObjectStore treesOnly = new ObjectStore() {
      @Override
      public Optional<byte[]> get(ObjectId id) {
        return trees.get(id);
      }

      @Override
      public void put(ObjectId id, byte[] encoded) {
        if (id.kind() == ObjectKind.TREE) { // manifests are not needed to compare trees
          trees.put(id, encoded);
        }
      }
    };
    root = new Indexer(dir, stateDir, params, treesOnly, progress, threads, reader).run(new IndexTable(), null).root();
  }

  /** Hashes {@code dir} (its state directory {@code stateDir} left out), reading content through {@code reader}. */
  static HashedTree of(Path dir, Path stateDir, ChunkingParams params, int threads, FileHasher.ContentReader reader)
      throws IOException {
    return of(dir, stateDir, params, threads, reader, new IndexProgress());
  }

  /** As {@link #of(Path, Path, ChunkingParams, int, FileHasher.ContentReader)}, counting into {@code progress}. */
  static HashedTree of(Path dir, Path stateDir, ChunkingParams params, int threads, FileHasher.ContentReader reader,
      IndexProgress progress) throws IOException {
    return new HashedTree(dir, stateDir, params, threads, reader, progress);
  }

  ObjectId root() {
    return root;
  }

  /** A read-only store holding these trees and, behind them, {@code snapshotObjects}. */
  ObjectStore over(ObjectStore snapshotObjects) {
    return new ObjectStore() {
      @Override
      public Optional<byte[]> get(ObjectId id) throws IOException {
        Optional<byte[]> b = trees.get(id);
        return b.isPresent() ? b : snapshotObjects.get(id);
      }

      @Override
      public void put(ObjectId id, byte[] encoded) {
        throw new UnsupportedOperationException("read-only");
      }
    };
  }

  /** The changes from snapshot tree {@code expected} (its trees in {@code snapshotObjects}) to this one. */
  List<TreeChange> changesFrom(ObjectStore snapshotObjects, ObjectId expected)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    return TreeDiff.diff(over(snapshotObjects), expected, root);
  }
}
