package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.publish.TreePublisher;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Taking over a directory another tool filled (rsync, ftpsync: files but no snapshot of ours).
 * What is there is indexed like an origin's tree, and that tree then stands in for the local
 * snapshot: the sync fetches only the trees, manifests and chunks it does not have, and finds the
 * chunks it has at whatever path they are. Nothing of it is trusted: every reused chunk is re-hashed
 * when it is copied (as for any local reuse), and the tree is used for planning only, never
 * recorded as a snapshot.
 *
 * <p>The index runs in a scratch state directory of its own (with its own lock; the mirror's state
 * lock is held by this sync), and only the objects of the indexed tree are copied into the mirror's
 * pack; the scratch directory is removed afterwards.
 */
final class Takeover {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Takeover.class);
  static final String SCRATCH = "takeover";

  private Takeover() {}

  /** True if {@code live} holds entries besides chasm's own directories. */
  static boolean hasContent(Path live) throws IOException {
    if (!Files.isDirectory(live)) {
      return false;
    }
    try (var s = Files.list(live)) {
      return s.map(p -> p.getFileName().toString()).anyMatch(n -> !n.equals(MirrorState.STATE_DIR)
          && !n.equals(MirrorState.STAGING_IN_TREE) && !n.equals(MirrorState.TREES_IN_TREE) && !ExportLayout.isExportDir(n));
    }
  }

  /**
   * Indexes {@code live} and copies its trees and manifests into {@code into}.
   *
   * @param stateDirectory the mirror's state directory (the scratch index lives inside it)
   * @return the root tree of what {@code live} holds, or empty if it holds nothing of use
   */
  static Optional<ObjectId> index(Path live, Path stateDirectory, ObjectStore into) throws ChasmException, IOException {
    Path scratch = stateDirectory.resolve(SCRATCH);
    TreePublisher.deleteRecursively(scratch); // left by a run that was killed: start over
    try (TreeIndex index = TreeIndex.open(live, scratch, ChunkingParams.DEFAULT)) {
      IndexResult r = index.update();
      LOG.info("taking over {}: {} files ({} bytes) already there were indexed; only what differs from the snapshot is fetched",
          live, r.files(), r.bytes());
      copyReachable(index.objects(), into, r.rootTree());
      return Optional.of(r.rootTree());
    } finally {
      TreePublisher.deleteRecursively(scratch);
    }
  }

  /** Copies the tree {@code root}, its subtrees and its files' manifests (chunks are never stored). */
  private static void copyReachable(ObjectStore from, ObjectStore into, ObjectId root) throws ChasmException, IOException {
    Deque<ObjectId> trees = new ArrayDeque<>();
    trees.push(root);
    while (!trees.isEmpty()) {
      ObjectId t = trees.pop();
      copy(from, into, t);
      for (TreeEntry e : from.tree(t).entries()) {
        if (e.kind() == EntryKind.DIRECTORY) {
          trees.push(e.id());
        } else if (e.kind() == EntryKind.FILE) {
          copy(from, into, e.id());
        }
      }
    }
  }

  private static void copy(ObjectStore from, ObjectStore into, ObjectId id) throws IOException {
    if (!into.contains(id)) {
      Optional<byte[]> data = from.get(id);
      if (data.isPresent()) {
        into.put(id, data.get());
      }
    }
  }
}
