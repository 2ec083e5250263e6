package io.chasm.hashtree.publish;

import io.chasm.api.Hash;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.diff.TreeChange;
import io.chasm.hashtree.diff.TreeDiff;
import io.chasm.hashtree.index.ChunkLocation;
import io.chasm.hashtree.index.ChunkLocator;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ChunkLocator} built from a snapshot's trees and file manifests rather than from a stat
 * index: where each chunk should be in the live files of a tree that was published from exactly
 * that snapshot (a synced mirror). Needs no pass over the files; readers hash what they read, so
 * a file changed since is detected, not served. Immutable after construction; the next
 * snapshot's locator is derived from it by {@link #update} in time that follows the change.
 */
public final class ManifestChunkLocator implements ChunkLocator {
  private final Path root;
  /**
   * Chunk id to a {@link Where}, or a {@code Where[]} when the chunk is in several places (the
   * first is served): an update that removes one place must still find the others. Arrays are
   * never changed once in a map, so a derived locator may share them.
   */
  private final Map<Hash, Object> chunks;

  private record Where(String path, long offset, int length) {}

  private ManifestChunkLocator(Path root, Map<Hash, Object> chunks) {
    this.root = root;
    this.chunks = chunks;
  }

  /**
   * Indexes every chunk of every file under tree {@code rootTree}, reading trees and manifests
   * from {@code store}.
   *
   * @throws MissingObjectException if an object is missing
   * @throws VerificationException if a stored object is damaged
   */
  public static ManifestChunkLocator build(Path root, ObjectStore store, ObjectId rootTree)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    Map<Hash, Object> m = new HashMap<>();
    forEachFile(store, "", rootTree, (path, fm) -> add(m, path, fm));
    return new ManifestChunkLocator(root, m);
  }

  /**
   * The locator of tree {@code rootTree} (live under {@code root}) derived from {@code previous},
   * the locator of tree {@code previousTree}: only the files {@link TreeDiff} finds changed are
   * read, so a publish of a small change costs a copy of the map, not a read of every manifest.
   * Locates the same chunks as {@link #build} of {@code rootTree} would (where a chunk is in
   * several files, possibly another of them).
   */
  public static ManifestChunkLocator update(ManifestChunkLocator previous, ObjectId previousTree, Path root,
      ObjectStore store, ObjectId rootTree)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    Map<Hash, Object> m = new HashMap<>(previous.chunks);
    for (TreeChange c : TreeDiff.diff(store, previousTree, rootTree)) {
      if (c.type() == TreeChange.Type.MODIFIED && c.before().kind() == EntryKind.FILE && c.before().id().equals(c.after().id())) {
        continue; // mtime or mode only: the same bytes at the same path
      }
      String path = c.pathString();
      if (c.before() != null) {
        forEntry(store, path, c.before(), (p, fm) -> remove(m, p, fm));
      }
      if (c.after() != null) {
        forEntry(store, path, c.after(), (p, fm) -> add(m, p, fm));
      }
    }
    return new ManifestChunkLocator(root, m);
  }

  private interface FileVisitor {
    void visit(String path, FileManifest manifest);
  }

  /** Every non-empty file of tree {@code tree} at {@code prefix}, in breadth-first order. */
  private static void forEachFile(ObjectStore store, String prefix, ObjectId tree, FileVisitor v)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    Deque<Map.Entry<String, ObjectId>> todo = new ArrayDeque<>();
    todo.add(Map.entry(prefix, tree));
    while (!todo.isEmpty()) {
      Map.Entry<String, ObjectId> d = todo.poll();
      Tree t = store.tree(d.getValue());
      for (TreeEntry e : t.entries()) {
        String path = d.getKey().isEmpty() ? e.nameString() : d.getKey() + "/" + e.nameString();
        if (e.kind() == EntryKind.DIRECTORY) {
          todo.add(Map.entry(path, e.id()));
        } else if (e.kind() == EntryKind.FILE && e.size() > 0) {
          v.visit(path, store.manifest(e.id()));
        }
      }
    }
  }

  /** The files of one changed entry: itself, or every file below it. */
  private static void forEntry(ObjectStore store, String path, TreeEntry e, FileVisitor v)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    if (e.kind() == EntryKind.DIRECTORY) {
      forEachFile(store, path, e.id(), v);
    } else if (e.kind() == EntryKind.FILE && e.size() > 0) {
      v.visit(path, store.manifest(e.id()));
    }
  }

  private static void add(Map<Hash, Object> m, String path, FileManifest fm) {
    for (Chunk c : fm.chunks()) {
      Where w = new Where(path, c.offset(), c.length());
      m.merge(c.id(), w, (old, x) -> {
        Where[] a = old instanceof Where[] arr ? arr : new Where[] {(Where) old};
        Where[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = w;
        return b;
      });
    }
  }

  private static void remove(Map<Hash, Object> m, String path, FileManifest fm) {
    for (Chunk c : fm.chunks()) {
      m.computeIfPresent(c.id(), (id, old) -> {
        if (old instanceof Where w) {
          return w.path().equals(path) ? null : w;
        }
        Where[] kept = java.util.Arrays.stream((Where[]) old).filter(w -> !w.path().equals(path)).toArray(Where[]::new);
        return kept.length == 0 ? null : kept.length == 1 ? kept[0] : kept;
      });
    }
  }

  @Override
  public Optional<ChunkLocation> locate(Hash chunkId) {
    Object o = chunks.get(chunkId);
    Where w = o instanceof Where[] a ? a[0] : (Where) o;
    return w == null ? Optional.empty() : Optional.of(new ChunkLocation(root.resolve(w.path), w.offset, w.length));
  }

  /** Number of distinct chunks. */
  public int size() {
    return chunks.size();
  }
}
