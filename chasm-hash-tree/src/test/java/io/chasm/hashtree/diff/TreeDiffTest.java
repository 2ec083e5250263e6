package io.chasm.hashtree.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.store.InMemoryObjectStore;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TreeDiffTest {
  /** A mutable directory model: name -> content (Dir for directories, TreeEntry for leaves). */
  static final class Dir {
    final TreeMap<String, Object> children = new TreeMap<>();

    Dir copy() {
      Dir d = new Dir();
      children.forEach((k, v) -> d.children.put(k, v instanceof Dir x ? x.copy() : v));
      return d;
    }

    ObjectId store(ObjectStore s) throws Exception {
      List<TreeEntry> entries = new ArrayList<>();
      for (var e : children.entrySet()) {
        entries.add(e.getValue() instanceof Dir d ? TreeEntry.directory(e.getKey(), d.store(s)) : rename((TreeEntry) e.getValue(), e.getKey()));
      }
      return s.put(Tree.of(entries));
    }
  }

  static TreeEntry rename(TreeEntry e, String name) throws Exception {
    return switch (e.kind()) {
      case FILE -> TreeEntry.file(name, e.size(), e.executable(), e.id());
      case DIRECTORY -> TreeEntry.directory(name, e.id());
      case SYMLINK -> TreeEntry.symlink(name.getBytes(java.nio.charset.StandardCharsets.UTF_8), e.linkTarget());
    };
  }

  static Object leaf(Random r) throws Exception {
    return switch (r.nextInt(3)) {
      case 0, 1 -> TreeEntry.file("x", r.nextInt(1000), r.nextBoolean(), ObjectId.file(Hash.sha256(new byte[] {(byte) r.nextInt(8)})));
      default -> TreeEntry.symlink("x", "t" + r.nextInt(4));
    };
  }

  static Dir randomDir(Random r, int depth) throws Exception {
    Dir d = new Dir();
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      String name = "n" + r.nextInt(8);
      d.children.put(name, depth > 0 && r.nextInt(3) == 0 ? randomDir(r, depth - 1) : leaf(r));
    }
    return d;
  }

  /** A few random edits anywhere in the tree: add, remove, modify, change kind. */
  static void mutate(Dir d, Random r, int depth) throws Exception {
    int edits = r.nextInt(4);
    for (int i = 0; i < edits; i++) {
      String name = "n" + r.nextInt(8);
      Object cur = d.children.get(name);
      switch (r.nextInt(4)) {
        case 0 -> d.children.remove(name);
        case 1 -> d.children.put(name, leaf(r));
        case 2 -> d.children.put(name, randomDir(r, Math.max(0, depth - 1)));
        default -> {
          if (cur instanceof Dir sub) {
            mutate(sub, r, depth - 1);
          }
        }
      }
    }
  }

  @Property(tries = 200)
  void diff_appliedToA_yieldsB(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    Dir a = randomDir(r, 3);
    Dir b = a.copy();
    mutate(b, r, 3);
    InMemoryObjectStore store = new InMemoryObjectStore();
    ObjectId ida = a.store(store);
    ObjectId idb = b.store(store);
    List<TreeChange> changes = TreeDiff.diff(store, ida, idb);
    assertThat(TreeDiff.apply(store, ida, changes)).isEqualTo(idb);
    assertThat(changes.isEmpty()).isEqualTo(ida.equals(idb));
    // and back
    assertThat(TreeDiff.apply(store, idb, TreeDiff.diff(store, idb, ida))).isEqualTo(ida);
  }

  /** Counts reads per id so tests can see which subtrees a diff touched. */
  static final class CountingStore implements ObjectStore {
    final InMemoryObjectStore inner = new InMemoryObjectStore();
    final Set<ObjectId> read = new HashSet<>();

    @Override
    public Optional<byte[]> get(ObjectId id) {
      read.add(id);
      return inner.get(id);
    }

    @Override
    public void put(ObjectId id, byte[] encoded) {
      inner.put(id, encoded);
    }
  }

  @Test
  void diff_doesNotReadEqualSubtrees() throws Exception {
    Random r = new Random(42);
    Dir shared = randomDir(r, 3);
    shared.children.put("deep", randomDir(r, 2));
    Dir a = new Dir();
    a.children.put("shared", shared);
    a.children.put("changed", TreeEntry.file("x", 1, false, ObjectId.file(Hash.sha256(new byte[] {1}))));
    Dir b = a.copy();
    b.children.put("changed", TreeEntry.file("x", 2, false, ObjectId.file(Hash.sha256(new byte[] {2}))));
    b.children.put("new", TreeEntry.symlink("x", "shared"));

    CountingStore store = new CountingStore();
    ObjectId ida = a.store(store);
    ObjectId idb = b.store(store);
    ObjectId sharedId = shared.store(store);
    store.read.clear();

    List<TreeChange> changes = TreeDiff.diff(store, ida, idb);
    assertThat(changes).extracting(TreeChange::pathString).containsExactly("changed", "new");
    assertThat(changes).extracting(TreeChange::type).containsExactly(TreeChange.Type.MODIFIED, TreeChange.Type.ADDED);
    assertThat(store.read).containsExactlyInAnyOrder(ida, idb).doesNotContain(sharedId);
  }

  @Test
  void diff_reportsNestedPathsAndKindChanges() throws Exception {
    Dir a = new Dir();
    Dir sub = new Dir();
    sub.children.put("f", TreeEntry.file("x", 1, false, ObjectId.file(Hash.sha256(new byte[] {1}))));
    a.children.put("d", sub);
    a.children.put("k", TreeEntry.symlink("x", "d"));
    Dir b = a.copy();
    ((Dir) b.children.get("d")).children.put("f", TreeEntry.file("x", 1, true, ObjectId.file(Hash.sha256(new byte[] {1}))));
    b.children.put("k", new Dir());
    InMemoryObjectStore store = new InMemoryObjectStore();
    List<TreeChange> changes = TreeDiff.diff(store, a.store(store), b.store(store));
    assertThat(changes).extracting(TreeChange::toString).containsExactly("MODIFIED d/f", "KIND_CHANGED k");
  }

  @Test
  void apply_changeThatDoesNotFit_rejected() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore();
    Dir a = new Dir();
    a.children.put("f", TreeEntry.file("x", 1, false, ObjectId.file(Hash.sha256(new byte[] {1}))));
    Dir b = new Dir();
    ObjectId ida = a.store(store);
    List<TreeChange> removeF = TreeDiff.diff(store, ida, b.store(store));
    ObjectId empty = store.put(Tree.empty());
    assertThatThrownBy(() -> TreeDiff.apply(store, empty, removeF)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void diff_missingSubtree_throwsMissingObject() throws IOException {
    InMemoryObjectStore store = new InMemoryObjectStore();
    ObjectId missing = ObjectId.tree(Hash.sha256(new byte[] {9}));
    ObjectId empty = store.put(Tree.empty());
    assertThatThrownBy(() -> TreeDiff.diff(store, empty, missing))
        .isInstanceOf(io.chasm.hashtree.store.MissingObjectException.class);
  }
}
