package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.api.PathNotFoundException;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Walks from a signed root tree down to one file, reading only the trees on the way: each is
 * checked against the id its parent names, so the chain root → … → file id is an inclusion proof
 * of the file in the signed snapshot. Symlinks are not followed (a link's target is a claim about
 * the mirror's file system, not part of the proof).
 */
public final class PathWalk {
  private PathWalk() {}

  /**
   * @return the file's entry in its directory
   * @throws PathNotFoundException if a name is missing, or the path crosses or ends at something
   *     other than what it needs (a directory on the way, a regular file at the end)
   */
  public static TreeEntry resolve(ObjectReader reader, ObjectId root, List<String> names, long sequence)
      throws ChasmException, IOException {
    Tree dir = reader.tree(root);
    StringBuilder at = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      at.append(i == 0 ? "" : "/").append(name);
      TreeEntry e = dir.entry(name.getBytes(StandardCharsets.UTF_8));
      boolean last = i == names.size() - 1;
      if (e == null) {
        throw new PathNotFoundException("'" + at + "' is not in snapshot #" + sequence);
      }
      if (e.kind() == EntryKind.SYMLINK) {
        throw new PathNotFoundException("'" + at + "' is a symlink to '"
            + new String(e.linkTarget(), StandardCharsets.UTF_8) + "' in snapshot #" + sequence + " (links are not followed)");
      }
      if (last) {
        if (e.kind() != EntryKind.FILE) {
          throw new PathNotFoundException("'" + at + "' is a directory in snapshot #" + sequence + ", not a file");
        }
        return e;
      }
      if (e.kind() != EntryKind.DIRECTORY) {
        throw new PathNotFoundException("'" + at + "' is a file in snapshot #" + sequence + ", not a directory");
      }
      dir = reader.tree(e.id());
    }
    throw new IllegalArgumentException("no path");
  }
}
