package io.chasm.hashtree.index;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The walk of an index run that trusts the {@link DirtyJournal}: builds the same {@link
 * TreeWalk.Node}s as a full walk, but lists only directories where entries were created or
 * deleted, stats only journalled paths (those directories, and files still flagged racy), walks
 * created directories whole, and takes everything else from the previous table. The permission
 * bits the table does not keep come from the previous trees of the directories that are rebuilt.
 */
final class DirtyWalk {
  /** The previous state cannot serve (a tree object is missing or damaged): walk everything. */
  static final class Fallback extends IOException {
    Fallback(String message) {
      super(message);
    }
  }

  private final Path root;
  private final TreeWalk walk;
  private final IndexTable old;
  private final ObjectStore objects;
  private final ObjectId oldRoot;
  // Paths as ISO-8859-1 strings: one char per byte, so any name round-trips.
  private final Set<String> restat = new HashSet<>();
  private final Set<String> relist = new HashSet<>();
  private final Set<String> deep = new HashSet<>();
  private final Set<String> onPath = new HashSet<>();
  /** Per directory, its children that are journalled, racy, or hold such paths. */
  private final Map<String, Set<String>> children = new HashMap<>();

  DirtyWalk(Path root, TreeWalk walk, IndexTable old, ObjectStore objects, ObjectId oldRoot, DirtyJournal.Pending dirty) {
    this.root = root;
    this.walk = walk;
    this.old = old;
    this.objects = objects;
    this.oldRoot = oldRoot;
    for (byte[] p : dirty.changed()) {
      String s = key(p);
      restat.add(s);
      ancestors(s);
    }
    // Only a create or delete changes a listing: a content change is one stat, not a readdir.
    for (byte[] p : dirty.listed()) {
      String dir = parent(key(p));
      relist.add(dir);
      // Its mtime moved with its listing, and inotify tells only the directory itself, not its parent.
      if (!dir.isEmpty()) {
        restat.add(dir);
      }
    }
    for (byte[] p : dirty.created()) {
      deep.add(key(p));
    }
    for (int i = 0; i < old.count; i++) {
      if (old.racy(i)) {
        String s = key(old.path(i));
        restat.add(s);
        ancestors(s);
      }
    }
    for (Set<String> set : List.of(restat, onPath, relist)) {
      for (String x : set) {
        if (!x.isEmpty()) {
          children.computeIfAbsent(parent(x), d -> new HashSet<>()).add(x);
        }
      }
    }
  }

  private static String key(byte[] p) {
    return new String(p, StandardCharsets.ISO_8859_1);
  }

  private static String parent(String s) {
    int slash = s.lastIndexOf('/');
    return slash < 0 ? "" : s.substring(0, slash);
  }

  private void ancestors(String s) {
    String p = parent(s);
    while (onPath.add(p) && !p.isEmpty()) {
      p = parent(p);
    }
  }

  Set<String> dirtyPaths() {
    return restat;
  }

  TreeWalk.Node walk() throws IOException {
    return node("", root, -1, oldRoot);
  }

  private TreeWalk.Node node(String dir, Path dirPath, int oldDir, ObjectId tree) throws IOException {
    return relist.contains(dir) ? listed(dir, dirPath, tree) : unlisted(dir, dirPath, oldDir, tree);
  }

  /** A directory whose listing changed: read it, stat what is new or journalled, take the rest from the old table. */
  private TreeWalk.Node listed(String dir, Path dirPath, ObjectId tree) throws IOException {
    Map<String, Integer> modes = modes(tree);
    List<byte[]> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dirPath)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
      }
    } catch (NoSuchFileException e) {
      // Gone since the journal named it: its parent's listing drops it.
    }
    names.sort(Arrays::compareUnsigned);
    int nameBytes = 0;
    for (byte[] n : names) {
      nameBytes += n.length;
    }
    TreeWalk.Node n = new TreeWalk.Node(names.size(), nameBytes);
    byte[] prefix = dir.isEmpty() ? new byte[0] : (dir + "/").getBytes(StandardCharsets.ISO_8859_1);
    for (byte[] name : names) {
      byte[] rel = Indexer.concat(prefix, name);
      int o = old.find(rel);
      Integer mode = o < 0 ? null : modes.get(key(name));
      if (o >= 0 && mode == null) {
        throw new Fallback(Indexer.display(rel) + ": not in the previous tree");
      }
      touched(n, dirPath, name, rel, o, o < 0 ? 0 : mode);
    }
    return n;
  }

  /**
   * A directory whose listing did not change: its children are the old table's, in the old tree's
   * order, so only the journalled ones cost more than a copy of their columns.
   */
  private TreeWalk.Node unlisted(String dir, Path dirPath, int oldDir, ObjectId tree) throws IOException {
    List<TreeEntry> entries = entries(tree);
    int end = oldDir < 0 ? old.count : old.subtreeEnd(oldDir);
    int skip = oldDir < 0 ? 0 : old.pathStart[oldDir + 1] - old.pathStart[oldDir] + 1;
    int count = 0;
    int nameBytes = 0;
    for (int i = oldDir + 1; i < end; i = old.kind(i) == IndexTable.DIRECTORY ? old.subtreeEnd(i) : i + 1) {
      count++;
      nameBytes += old.pathStart[i + 1] - old.pathStart[i] - skip;
    }
    if (count != entries.size()) {
      throw new Fallback(dir + ": the previous tree does not match the index");
    }
    Set<Integer> special = new HashSet<>();
    for (String child : children.getOrDefault(dir, Set.of())) {
      int o = old.find(child.getBytes(StandardCharsets.ISO_8859_1));
      if (o >= 0) {
        special.add(o);
      }
    }
    TreeWalk.Node n = new TreeWalk.Node(count, nameBytes);
    int j = 0;
    for (int i = oldDir + 1; i < end; j++) {
      byte kind = old.kind(i);
      int from = old.pathStart[i] + skip;
      int len = old.pathStart[i + 1] - from;
      TreeEntry e = entries.get(j);
      if (!Arrays.equals(old.paths, from, from + len, e.name(), 0, e.name().length)) {
        throw new Fallback(dir + ": the previous tree does not match the index");
      }
      if (special.contains(i)) {
        touched(n, dirPath, Arrays.copyOfRange(old.paths, from, from + len), old.path(i), i, e.mode());
      } else {
        n.addKnown(old.paths, from, len, typeBits(kind) | e.mode(), old.dev[i], old.ino[i], old.size[i], old.mtime[i],
            old.ctime[i], i);
        int k = n.count - 1;
        if (kind == IndexTable.SYMLINK) {
          n.extra[k] = old.linkTargets.get(i);
        } else if (kind == IndexTable.DIRECTORY) {
          n.extra[k] = copy(i);
        }
      }
      i = kind == IndexTable.DIRECTORY ? old.subtreeEnd(i) : i + 1;
    }
    return n;
  }

  /** Adds child {@code name} (old index {@code o} or -1, previous mode bits {@code mode}): stat'ed if new or journalled. */
  private void touched(TreeWalk.Node n, Path dirPath, byte[] name, byte[] rel, int o, int mode) throws IOException {
    String s = key(rel);
    Path p = dirPath.resolve(new String(name, StandardCharsets.UTF_8));
    if (o < 0 || restat.contains(s)) {
      if (!walk.addEntry(n, rel, name, p)) {
        return;
      }
      int k = n.count - 1;
      if (n.type(k) == Lstat.S_IFDIR) {
        boolean sameDir = o >= 0 && old.kind(o) == IndexTable.DIRECTORY && old.dev[o] == n.dev(k) && old.ino[o] == n.ino(k);
        n.extra[k] = deep.contains(s) || !sameDir
            ? walk.scanTree(p, Indexer.concat(rel, new byte[] {'/'}))
            : node(s, p, o, ObjectId.tree(idAt(o)));
      }
      return;
    }
    byte kind = old.kind(o);
    n.addKnown(name, 0, name.length, typeBits(kind) | mode, old.dev[o], old.ino[o], old.size[o], old.mtime[o], old.ctime[o], o);
    int k = n.count - 1;
    if (kind == IndexTable.SYMLINK) {
      n.extra[k] = old.linkTargets.get(o);
    } else if (kind == IndexTable.DIRECTORY) {
      n.extra[k] = onPath.contains(s) || relist.contains(s) ? node(s, p, o, ObjectId.tree(idAt(o))) : copy(o);
    }
  }

  /** Node of old directory {@code o}'s whole subtree as recorded: no system call. */
  private TreeWalk.Node copy(int o) {
    int end = old.subtreeEnd(o);
    int skip = old.pathStart[o + 1] - old.pathStart[o] + 1;
    int count = 0;
    int nameBytes = 0;
    for (int i = o + 1; i < end; i = old.kind(i) == IndexTable.DIRECTORY ? old.subtreeEnd(i) : i + 1) {
      count++;
      nameBytes += old.pathStart[i + 1] - old.pathStart[i] - skip;
    }
    TreeWalk.Node n = new TreeWalk.Node(count, nameBytes);
    for (int i = o + 1; i < end; ) {
      byte kind = old.kind(i);
      int from = old.pathStart[i] + skip;
      // Permission bits only matter to trees that are rebuilt, and a copied subtree never is.
      int mode = typeBits(kind) | (kind == IndexTable.FILE ? 0644 : 0755);
      n.addKnown(old.paths, from, old.pathStart[i + 1] - from, mode, old.dev[i], old.ino[i], old.size[i], old.mtime[i],
          old.ctime[i], i);
      int k = n.count - 1;
      if (kind == IndexTable.SYMLINK) {
        n.extra[k] = old.linkTargets.get(i);
      }
      if (kind == IndexTable.DIRECTORY) {
        n.extra[k] = copy(i);
        i = old.subtreeEnd(i);
      } else {
        i++;
      }
    }
    return n;
  }

  private static int typeBits(byte kind) {
    return switch (kind) {
      case IndexTable.DIRECTORY -> Lstat.S_IFDIR;
      case IndexTable.SYMLINK -> Lstat.S_IFLNK;
      default -> Lstat.S_IFREG | (kind == IndexTable.EXECUTABLE ? 0100 : 0);
    };
  }

  private Hash idAt(int o) {
    return Hash.of(HashAlgorithm.SHA_256, Arrays.copyOfRange(old.ids, o * IndexTable.ID_LENGTH, (o + 1) * IndexTable.ID_LENGTH));
  }

  /** Name to permission bits, from the previous tree of a directory that is rebuilt. */
  private Map<String, Integer> modes(ObjectId tree) throws IOException {
    Map<String, Integer> m = new HashMap<>();
    for (TreeEntry e : entries(tree)) {
      m.put(key(e.name()), e.mode());
    }
    return m;
  }

  /** The previous tree's entries, in name order; only a tree that records modes will do. */
  private List<TreeEntry> entries(ObjectId tree) throws IOException {
    byte[] b = objects.get(tree).orElseThrow(() -> new Fallback(tree + ": previous tree missing"));
    try {
      List<TreeEntry> entries = Tree.decode(b).entries();
      for (TreeEntry e : entries) {
        if (!e.hasMetadata()) {
          throw new Fallback(tree + ": previous tree has no modes");
        }
      }
      return entries;
    } catch (CorruptObjectException | LimitExceededException e) {
      throw new Fallback(tree + ": " + e.getMessage());
    }
  }
}
