package io.chasm.hashtree.metalink.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.api.PathNotFoundException;
import io.chasm.api.UnsafePathException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The regular files of a snapshot's tree under given paths, read from the object store (not the live tree). */
public final class SnapshotFiles {
  private SnapshotFiles() {}

  /**
   * @param paths tree paths of files or directories ({@code ""} = the whole tree)
   * @return path → entry, in tree order per argument, each file once
   * @throws PathNotFoundException if a path names nothing in the snapshot
   */
  public static Map<String, TreeEntry> select(ObjectStore store, ObjectId root, Iterable<String> paths, long sequence)
      throws IOException, ChasmException {
    Map<String, TreeEntry> out = new LinkedHashMap<>();
    for (String p : paths) {
      String path = p.replaceAll("^/+|/+$", "");
      if (path.isEmpty()) {
        collect(store, root, "", out);
        continue;
      }
      for (String c : path.split("/")) {
        if (c.isEmpty() || c.equals(".") || c.equals("..")) {
          throw new UnsafePathException("path '" + p + "' has an unsafe component");
        }
      }
      TreeEntry e = store.entryAt(root, path)
          .orElseThrow(() -> new PathNotFoundException("'" + path + "' is not in snapshot #" + sequence));
      if (e.kind() == EntryKind.DIRECTORY) {
        collect(store, e.id(), path + "/", out);
      } else if (e.kind() == EntryKind.FILE) {
        out.put(path, e);
      } else {
        throw new PathNotFoundException("'" + path + "' is a symlink in snapshot #" + sequence + ", not a file");
      }
    }
    return out;
  }

  private static void collect(ObjectStore store, ObjectId dir, String prefix, Map<String, TreeEntry> out)
      throws IOException, ChasmException {
    Tree t = store.tree(dir);
    for (TreeEntry e : t.entries()) {
      if (e.kind() == EntryKind.FILE) {
        out.put(prefix + e.nameString(), e);
      } else if (e.kind() == EntryKind.DIRECTORY) {
        collect(store, e.id(), prefix + e.nameString() + "/", out);
      }
    }
  }
}
