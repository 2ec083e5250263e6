package io.chasm.hashtree.diff;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.internal.Names;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares two directory trees by id, reading only subtrees whose ids differ, and applies a list
 * of changes to a tree.
 *
 * <p>{@code apply(store, a, diff(store, a, b))} returns {@code b} whenever every object of {@code
 * b} is in the store.
 */
public final class TreeDiff {
  private TreeDiff() {}

  /**
   * The changes that turn tree {@code from} into tree {@code to}, in path order (depth first, names
   * in byte order).
   *
   * @throws MissingObjectException if a differing subtree is not in the
   *     store
   * @throws VerificationException if a stored tree does not match its id or is corrupt
   * @throws LimitExceededException if a stored tree exceeds the default limits
   */
  public static List<TreeChange> diff(ObjectStore store, ObjectId from, ObjectId to)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    requireTree(from);
    requireTree(to);
    List<TreeChange> out = new ArrayList<>();
    walk(store, new byte[0], from, to, out);
    return out;
  }

  private static void walk(ObjectStore store, byte[] prefix, ObjectId from, ObjectId to, List<TreeChange> out)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    if (from.equals(to)) {
      return;
    }
    List<TreeEntry> a = store.tree(from).entries();
    List<TreeEntry> b = store.tree(to).entries();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      int c = i == a.size() ? 1 : j == b.size() ? -1 : a.get(i).compareTo(b.get(j));
      if (c < 0) {
        TreeEntry e = a.get(i++);
        out.add(new TreeChange(TreeChange.Type.REMOVED, join(prefix, e.name()), e, null));
      } else if (c > 0) {
        TreeEntry e = b.get(j++);
        out.add(new TreeChange(TreeChange.Type.ADDED, join(prefix, e.name()), null, e));
      } else {
        TreeEntry x = a.get(i++);
        TreeEntry y = b.get(j++);
        if (x.equals(y)) {
          continue;
        }
        byte[] path = join(prefix, x.name());
        if (x.kind() == EntryKind.DIRECTORY && y.kind() == EntryKind.DIRECTORY) {
          walk(store, path, x.id(), y.id(), out);
        } else if (x.kind() != y.kind()) {
          out.add(new TreeChange(TreeChange.Type.KIND_CHANGED, path, x, y));
        } else {
          out.add(new TreeChange(TreeChange.Type.MODIFIED, path, x, y));
        }
      }
    }
  }

  private static byte[] join(byte[] prefix, byte[] name) {
    if (prefix.length == 0) {
      return name.clone();
    }
    byte[] p = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
    p[prefix.length] = '/';
    System.arraycopy(name, 0, p, prefix.length + 1, name.length);
    return p;
  }

  /**
   * Applies changes (as {@link #diff} returns them) to tree {@code root}, storing every new tree in
   * {@code store}, and returns the new root id.
   *
   * @throws IllegalArgumentException if a change does not fit the tree (its {@code before} entry
   *     is not what the tree holds at that path, or a parent is not a directory)
   * @throws MissingObjectException if a tree on a changed path is missing
   * @throws VerificationException if a stored tree does not match its id or is corrupt
   * @throws LimitExceededException if a resulting tree exceeds the default limits
   */
  public static ObjectId apply(ObjectStore store, ObjectId root, List<TreeChange> changes)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    requireTree(root);
    Node top = new Node();
    for (TreeChange c : changes) {
      Node n = top;
      for (byte[] component : split(c.pathRaw())) {
        n = n.children.computeIfAbsent(new Name(component), k -> new Node());
      }
      if (n.change != null) {
        throw new IllegalArgumentException("two changes for " + c);
      }
      n.change = c;
    }
    return rebuild(store, root, top, new byte[0]);
  }

  private static ObjectId rebuild(ObjectStore store, ObjectId treeId, Node node, byte[] prefix)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    Map<Name, TreeEntry> entries = new TreeMap<>();
    for (TreeEntry e : store.tree(treeId).entries()) {
      entries.put(new Name(e.name()), e);
    }
    for (Map.Entry<Name, Node> child : node.children.entrySet()) {
      Name name = child.getKey();
      Node sub = child.getValue();
      TreeEntry current = entries.get(name);
      byte[] path = join(prefix, name.bytes);
      if (sub.change != null) {
        TreeChange c = sub.change;
        if (!Objects.equals(current, c.before()) || !sub.children.isEmpty()) {
          throw new IllegalArgumentException("change does not fit the tree: " + c);
        }
        if (c.after() == null) {
          entries.remove(name);
        } else {
          entries.put(name, c.after());
        }
      } else {
        if (current == null || current.kind() != EntryKind.DIRECTORY) {
          throw new IllegalArgumentException("'" + Names.display(path) + "' is not a directory");
        }
        ObjectId newId = rebuild(store, current.id(), sub, path);
        entries.put(name, current.withTreeId(newId));
      }
    }
    Tree t = Tree.of(entries.values());
    return store.put(t);
  }

  private static List<byte[]> split(byte[] path) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        out.add(Arrays.copyOfRange(path, start, i));
        start = i + 1;
      }
    }
    return out;
  }

  private static void requireTree(ObjectId id) {
    if (Objects.requireNonNull(id, "id").kind() != ObjectKind.TREE) {
      throw new IllegalArgumentException(id + " is not a tree id");
    }
  }

  /** A change tree: changes keyed by the path components that lead to them. */
  private static final class Node {
    final Map<Name, Node> children = new TreeMap<>();
    TreeChange change;
  }

  /** Name bytes with the tree's order. */
  private record Name(byte[] bytes) implements Comparable<Name> {
    @Override
    public int compareTo(Name o) {
      return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Name n && Arrays.equals(bytes, n.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
