package io.chasm.hashtree.diff;

import io.chasm.hashtree.internal.Names;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One difference between two trees, at a path relative to their roots.
 *
 * <p>An added or removed directory is one change (its contents are not listed); a directory
 * present on both sides with different ids is never a change itself, only its differing
 * contents are. Immutable.
 */
public final class TreeChange {
  /** What happened at the path. */
  public enum Type {
    /** Only in the new tree: {@link #before()} is null. */
    ADDED,
    /** Only in the old tree: {@link #after()} is null. */
    REMOVED,
    /** Same kind on both sides, different content (id, size, executable bit or link target). */
    MODIFIED,
    /** Different kinds on both sides (e.g. a file replaced by a directory). */
    KIND_CHANGED
  }

  private final Type type;
  private final byte[] path;
  private final TreeEntry before;
  private final TreeEntry after;

  TreeChange(Type type, byte[] path, TreeEntry before, TreeEntry after) {
    this.type = Objects.requireNonNull(type);
    this.path = path;
    this.before = before;
    this.after = after;
  }

  public Type type() {
    return type;
  }

  /** The path as bytes: names joined by {@code '/'}, no leading slash (a copy). */
  public byte[] path() {
    return path.clone();
  }

  byte[] pathRaw() {
    return path;
  }

  /** The path decoded as UTF-8 (lossy for names that are not UTF-8). */
  public String pathString() {
    return new String(path, StandardCharsets.UTF_8);
  }

  /** The entry in the old tree; null for {@link Type#ADDED}. */
  public TreeEntry before() {
    return before;
  }

  /** The entry in the new tree; null for {@link Type#REMOVED}. */
  public TreeEntry after() {
    return after;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeChange c
        && c.type == type
        && Arrays.equals(c.path, path)
        && Objects.equals(c.before, before)
        && Objects.equals(c.after, after);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(path) * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return type + " " + Names.display(path);
  }
}
