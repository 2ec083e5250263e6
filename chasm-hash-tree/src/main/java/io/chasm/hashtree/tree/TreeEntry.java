package io.chasm.hashtree.tree;

import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.UnsafePathException;
import io.chasm.hashtree.internal.Names;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a {@link Tree}: a name (bytes, not necessarily UTF-8) and what it names.
 *
 * <ul>
 *   <li>{@link EntryKind#FILE}: {@link #size()}, {@link #executable()}, {@link #id()} a file id;
 *   <li>{@link EntryKind#DIRECTORY}: {@link #id()} a tree id (size 0);
 *   <li>{@link EntryKind#SYMLINK}: {@link #linkTarget()} (size 0, no id).
 * </ul>
 *
 * <p>Names are one safe path component: not empty, not {@code .} or {@code ..}, no {@code /}, no
 * NUL. Immutable; equal when every field is equal.
 */
public final class TreeEntry implements Comparable<TreeEntry> {
  private final byte[] name;
  private final EntryKind kind;
  private final boolean executable;
  private final long size;
  private final ObjectId id;
  private final byte[] linkTarget;

  private TreeEntry(byte[] name, EntryKind kind, boolean executable, long size, ObjectId id, byte[] linkTarget) {
    this.name = name;
    this.kind = kind;
    this.executable = executable;
    this.size = size;
    this.id = id;
    this.linkTarget = linkTarget;
  }

  /**
   * A regular file.
   *
   * @throws UnsafePathException if the name is not a single safe component
   * @throws IllegalArgumentException if size is negative or fileId is not a file id
   */
  public static TreeEntry file(byte[] name, long size, boolean executable, ObjectId fileId) throws UnsafePathException {
    Objects.requireNonNull(fileId, "fileId");
    if (fileId.kind() != ObjectKind.FILE || size < 0) {
      throw new IllegalArgumentException("file entry needs a file id and size >= 0");
    }
    return new TreeEntry(checkName(name.clone()), EntryKind.FILE, executable, size, fileId, null);
  }

  /** {@link #file(byte[], long, boolean, ObjectId)} with a UTF-8 name. */
  public static TreeEntry file(String name, long size, boolean executable, ObjectId fileId) throws UnsafePathException {
    return file(name.getBytes(StandardCharsets.UTF_8), size, executable, fileId);
  }

  /**
   * A subdirectory.
   *
   * @throws UnsafePathException if the name is not a single safe component
   * @throws IllegalArgumentException if treeId is not a tree id
   */
  public static TreeEntry directory(byte[] name, ObjectId treeId) throws UnsafePathException {
    Objects.requireNonNull(treeId, "treeId");
    if (treeId.kind() != ObjectKind.TREE) {
      throw new IllegalArgumentException("directory entry needs a tree id");
    }
    return new TreeEntry(checkName(name.clone()), EntryKind.DIRECTORY, false, 0, treeId, null);
  }

  /** {@link #directory(byte[], ObjectId)} with a UTF-8 name. */
  public static TreeEntry directory(String name, ObjectId treeId) throws UnsafePathException {
    return directory(name.getBytes(StandardCharsets.UTF_8), treeId);
  }

  /**
   * A symbolic link. The target is recorded as bytes and never interpreted here.
   *
   * @throws UnsafePathException if the name is unsafe, or the target is empty or contains NUL
   */
  public static TreeEntry symlink(byte[] name, byte[] target) throws UnsafePathException {
    byte[] n = checkName(name.clone());
    byte[] t = target.clone();
    if (t.length == 0 || indexOf(t, (byte) 0) >= 0) {
      throw new UnsafePathException("symlink '" + display(n) + "' has an empty or NUL-containing target");
    }
    return new TreeEntry(n, EntryKind.SYMLINK, false, 0, null, t);
  }

  /** {@link #symlink(byte[], byte[])} with UTF-8 name and target. */
  public static TreeEntry symlink(String name, String target) throws UnsafePathException {
    return symlink(name.getBytes(StandardCharsets.UTF_8), target.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] checkName(byte[] n) throws UnsafePathException {
    if (n.length == 0) {
      throw new UnsafePathException("empty entry name");
    }
    if ((n.length == 1 && n[0] == '.') || (n.length == 2 && n[0] == '.' && n[1] == '.')) {
      throw new UnsafePathException("entry name '" + display(n) + "' is not allowed");
    }
    if (indexOf(n, (byte) '/') >= 0 || indexOf(n, (byte) 0) >= 0) {
      throw new UnsafePathException("entry name '" + display(n) + "' contains '/' or NUL");
    }
    return n;
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** The name for messages: UTF-8 with control characters and invalid bytes replaced. */
  static String display(byte[] n) {
    return Names.display(n);
  }

  /** A copy of the name bytes. */
  public byte[] name() {
    return name.clone();
  }

  /** The name decoded as UTF-8 (lossy for names that are not UTF-8). */
  public String nameString() {
    return new String(name, StandardCharsets.UTF_8);
  }

  int nameLength() {
    return name.length;
  }

  byte[] nameRaw() {
    return name;
  }

  public EntryKind kind() {
    return kind;
  }

  /** The executable bit; only files have it. */
  public boolean executable() {
    return executable;
  }

  /** File size in bytes; 0 for directories and symlinks. */
  public long size() {
    return size;
  }

  /** The file id or tree id; null for a symlink. */
  public ObjectId id() {
    return id;
  }

  /** A copy of the symlink target; null unless this is a symlink. */
  public byte[] linkTarget() {
    return linkTarget == null ? null : linkTarget.clone();
  }

  byte[] linkTargetRaw() {
    return linkTarget;
  }

  /** Orders by name bytes, unsigned lexicographic (the order of a tree's entries). */
  @Override
  public int compareTo(TreeEntry o) {
    return Arrays.compareUnsigned(name, o.name);
  }

  /** Same name, kind, flags, size, id and target. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TreeEntry e
        && Arrays.equals(name, e.name)
        && kind == e.kind
        && executable == e.executable
        && size == e.size
        && Objects.equals(id, e.id)
        && Arrays.equals(linkTarget, e.linkTarget);
  }

  /** Same kind, flags, size, id and target (names may differ). */
  public boolean sameContent(TreeEntry e) {
    return kind == e.kind
        && executable == e.executable
        && size == e.size
        && Objects.equals(id, e.id)
        && Arrays.equals(linkTarget, e.linkTarget);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(name) * 31 + Objects.hash(kind, executable, size, id) + Arrays.hashCode(linkTarget);
  }

  @Override
  public String toString() {
    String n = display(name);
    return switch (kind) {
      case FILE -> "file " + n + " " + size + (executable ? " x " : " ") + id;
      case DIRECTORY -> "dir " + n + " " + id;
      case SYMLINK -> "link " + n + " -> " + display(linkTarget);
    };
  }
}
