package io.chasm.hashtree.export;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.Hex;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The objects a snapshot names, and the removal of those no export needs any more (SPEC §12.3).
 * The head an export replaces keeps its objects: a web mirror that copied that head a moment ago
 * (or a downstream reading it while the export changes) still finds every object it names. Older
 * heads' objects go; a downstream that still reads such a head finds an object missing, which
 * §12.5 already treats as "this source does not hold the snapshot".
 */
final class ExportPruner {
  /** Called with each object the walk meets; {@code bytes} reads it from the store. */
  interface Visitor {
    void visit(ObjectId id, BytesOf bytes) throws IOException, ChasmException;
  }

  /** The encoded object, read on demand. */
  interface BytesOf {
    byte[] get() throws IOException, ChasmException;
  }

  private ExportPruner() {}

  /** Every tree and file manifest under {@code rootTree}, each visited once, breadth first; returns their ids. */
  static Set<ObjectId> walk(ObjectId rootTree, ObjectStore store, Visitor visitor) throws IOException, ChasmException {
    Set<ObjectId> seen = new HashSet<>();
    Deque<ObjectId> trees = new ArrayDeque<>();
    trees.add(rootTree);
    seen.add(rootTree);
    while (!trees.isEmpty()) {
      ObjectId id = trees.poll();
      Tree t = store.tree(id);
      visitor.visit(id, t::encode);
      for (TreeEntry e : t.entries()) {
        if ((e.kind() == EntryKind.DIRECTORY || e.kind() == EntryKind.FILE) && seen.add(e.id())) {
          if (e.kind() == EntryKind.DIRECTORY) {
            trees.add(e.id());
          } else {
            visitor.visit(e.id(), () -> store.get(e.id()).orElseThrow(() -> new MissingObjectException(e.id())));
          }
        }
      }
    }
    return seen;
  }

  /** The head the export holds now, if any and if it decodes (a damaged one protects nothing). */
  static Optional<SignedSnapshot> exportedHead(Path head) throws IOException {
    try {
      return Optional.of(SignedSnapshot.decode(Files.readAllBytes(head)));
    } catch (NoSuchFileException | ChasmException e) {
      return Optional.empty();
    }
  }

  /**
   * Removes every exported object that is not in {@code named} and not named by {@code replaced}.
   * If the store cannot walk the replaced head (its objects are gone from the store), nothing is
   * removed: keeping too much is the safe side.
   *
   * @return how many object files were removed
   */
  static long prune(Path root, Set<ObjectId> named, Optional<SignedSnapshot> replaced, ObjectStore store) throws IOException {
    Set<ObjectId> keep = new HashSet<>(named);
    if (replaced.isPresent() && !named.contains(replaced.get().snapshot().rootTree())) {
      try {
        keep.addAll(walk(replaced.get().snapshot().rootTree(), store, (id, bytes) -> {}));
      } catch (ChasmException e) {
        return 0;
      }
    }
    long removed = 0;
    for (String kind : List.of("tree", "file")) {
      Path dir = root.resolve(ExportLayout.DIR).resolve("objects").resolve(kind);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir, 2)) {
        for (Path f : (Iterable<Path>) files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
          ObjectId id = idOf(kind, f.getFileName().toString());
          // A name that is not an id (a temporary file of a killed export, something an operator
          // put there) is not ours to judge by id; temporary files are replaced by the next write.
          if (id != null && !keep.contains(id) && Files.deleteIfExists(f)) {
            removed++;
          }
        }
      }
    }
    return removed;
  }

  private static ObjectId idOf(String kind, String name) {
    if (name.length() != 64 || !name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return null;
    }
    Hash h = Hash.of(HashAlgorithm.SHA_256, Hex.decode(name));
    return kind.equals("tree") ? ObjectId.tree(h) : ObjectId.file(h);
  }
}
