package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.index.ChunkLocation;
import io.chasm.hashtree.index.ChunkLocator;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the old tree holds a file with exactly the content a staged file needs (a file moved,
 * copied or restored): found by file id from the old tree's directory objects alone, without
 * reading any manifest. Each chunk's place is then its offset in that old file.
 */
final class SameContent {
  private SameContent() {}

  static ChunkLocator locator(ObjectStore store, ObjectId oldRoot, Path live, ChunkNeeds needs) throws ChasmException, IOException {
    Map<ObjectId, String> wanted = new HashMap<>();
    for (List<ChunkNeeds.Target> ts : needs.targets.values()) {
      for (ChunkNeeds.Target t : ts) {
        wanted.put(t.file().manifest().id(), null);
      }
    }
    int found = 0;
    Deque<Map.Entry<String, ObjectId>> todo = new ArrayDeque<>();
    todo.add(Map.entry("", oldRoot));
    while (!todo.isEmpty() && found < wanted.size()) {
      Map.Entry<String, ObjectId> d = todo.poll();
      Tree t = store.tree(d.getValue());
      for (TreeEntry e : t.entries()) {
        String path = d.getKey().isEmpty() ? e.nameString() : d.getKey() + "/" + e.nameString();
        if (e.kind() == EntryKind.DIRECTORY) {
          todo.add(Map.entry(path, e.id()));
        } else if (e.kind() == EntryKind.FILE && wanted.containsKey(e.id()) && wanted.get(e.id()) == null) {
          wanted.put(e.id(), path);
          found++;
        }
      }
    }
    Map<Hash, ChunkLocation> at = new HashMap<>();
    for (List<ChunkNeeds.Target> ts : needs.targets.values()) {
      for (ChunkNeeds.Target t : ts) {
        FileManifest m = t.file().manifest();
        String old = wanted.get(m.id());
        if (old != null) {
          Chunk c = m.chunk(t.index());
          at.putIfAbsent(c.id(), new ChunkLocation(live.resolve(old), c.offset(), c.length()));
        }
      }
    }
    return id -> Optional.ofNullable(at.get(id));
  }
}
