package io.chasm.hashtree.publish;

import io.chasm.api.Hash;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.Chunk;
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
 * a file changed since is detected, not served. Immutable after construction.
 */
public final class ManifestChunkLocator implements ChunkLocator {
  private final Path root;
  private final Map<Hash, Where> chunks;

  private record Where(String path, long offset, int length) {}

  private ManifestChunkLocator(Path root, Map<Hash, Where> chunks) {
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
    Map<Hash, Where> m = new HashMap<>();
    Deque<Map.Entry<String, ObjectId>> todo = new ArrayDeque<>();
    todo.add(Map.entry("", rootTree));
    while (!todo.isEmpty()) {
      Map.Entry<String, ObjectId> d = todo.poll();
      Tree t = store.tree(d.getValue());
      for (TreeEntry e : t.entries()) {
        String path = d.getKey().isEmpty() ? e.nameString() : d.getKey() + "/" + e.nameString();
        if (e.kind() == EntryKind.DIRECTORY) {
          todo.add(Map.entry(path, e.id()));
        } else if (e.kind() == EntryKind.FILE && e.size() > 0) {
          FileManifest fm = store.manifest(e.id());
          for (Chunk c : fm.chunks()) {
            m.putIfAbsent(c.id(), new Where(path, c.offset(), c.length()));
          }
        }
      }
    }
    return new ManifestChunkLocator(root, m);
  }

  @Override
  public Optional<ChunkLocation> locate(Hash chunkId) {
    Where w = chunks.get(chunkId);
    return w == null ? Optional.empty() : Optional.of(new ChunkLocation(root.resolve(w.path), w.offset, w.length));
  }

  /** Number of distinct chunks. */
  public int size() {
    return chunks.size();
  }
}
