package io.chasm.wire.sync.internal;

import io.chasm.hashtree.tree.TreeEntry;
import java.util.Arrays;
import java.util.Objects;

/** Whether a modified entry changed nothing but its mtime or mode (tck/SPEC.md §4.9): nothing to fetch. */
final class MetadataOnly {
  private MetadataOnly() {}

  static boolean is(TreeEntry before, TreeEntry after) {
    if (before.kind() != after.kind() || !after.hasMetadata()) {
      return false;
    }
    return switch (after.kind()) {
      case FILE -> Objects.equals(before.id(), after.id()) && before.size() == after.size();
      case SYMLINK -> Arrays.equals(before.linkTarget(), after.linkTarget());
      case DIRECTORY -> false;
    };
  }
}
