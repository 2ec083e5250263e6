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
    Map<String, Integer> modes = modes(tree);
    List<byte[]> names = new ArrayList<>();
    if (relist.contains(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dirPath)) {
        for (Path p : ds) {
          names.add(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        }
      } catch (NoSuchFileException e) {
        // Gone since the journal named it: its parent's listing drops it.
      }
      names.sort(Arrays::compareUnsigned);
    } else {
      int end = oldDir < 0 ? old.count : old.subtreeEnd(oldDir);
      int skip = oldDir < 0 ? 0 : old.pathStart[oldDir + 1] - old.pathStart[oldDir] + 1;
      for (int i = oldDir + 1; i < end; i = old.kind(i) == IndexTable.DIRECTORY ? old.subtreeEnd(i) : i + 1) {
        names.add(Arrays.copyOfRange(old.paths, old.pathStart[i] + skip, old.pathStart[i + 1]));
      }
    }
    int nameBytes = 0;
    for (byte[] n : names) {
      nameBytes += n.length;
    }
    TreeWalk.Node n = new TreeWalk.Node(names.size(), nameBytes);
    byte[] prefix = dir.isEmpty() ? new byte[0] : (dir + "/").getBytes(StandardCharsets.ISO_8859_1);
    for (byte[] name : names) {
      byte[] rel = Indexer.concat(prefix, name);
      String s = key(rel);
      Path p = dirPath.resolve(new String(name, StandardCharsets.UTF_8));
      int o = old.find(rel);
      if (o < 0 || restat.contains(s)) {
        if (!walk.addEntry(n, rel, name, p)) {
          continue;
        }
        int k = n.count - 1;
        if (n.type(k) == Lstat.S_IFDIR) {
          boolean sameDir = o >= 0 && old.kind(o) == IndexTable.DIRECTORY && old.dev[o] == n.dev(k) && old.ino[o] == n.ino(k);
          n.extra[k] = deep.contains(s) || !sameDir
              ? walk.scanTree(p, Indexer.concat(rel, new byte[] {'/'}))
              : node(s, p, o, ObjectId.tree(idAt(o)));
        }
        continue;
      }
      Integer mode = modes.get(key(name));
      if (mode == null) {
        throw new Fallback(Indexer.display(rel) + ": not in the previous tree");
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
    return n;
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
    byte[] b = objects.get(tree).orElseThrow(() -> new Fallback(tree + ": previous tree missing"));
    Map<String, Integer> m = new HashMap<>();
    try {
      for (TreeEntry e : Tree.decode(b).entries()) {
        if (!e.hasMetadata()) {
          throw new Fallback(tree + ": previous tree has no modes");
        }
        m.put(key(e.name()), e.mode());
      }
    } catch (CorruptObjectException | LimitExceededException e) {
      throw new Fallback(tree + ": " + e.getMessage());
    }
    return m;
  }
}
