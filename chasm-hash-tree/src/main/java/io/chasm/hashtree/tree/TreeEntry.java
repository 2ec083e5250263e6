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
 * <p>An entry may carry metadata ({@link #withMetadata}): the modification time in seconds and
 * nanoseconds and, for files and directories, the permission bits. Entries of a version-1 tree have
 * none ({@link #hasMetadata()} false); a tree's entries either all carry it (version 2) or none do
 * (tck/SPEC.md §4).
 *
 * <p>Names are one safe path component: not empty, not {@code .} or {@code ..}, no {@code /}, no
 * NUL. Immutable; equal when every field is equal.
 */
public final class TreeEntry implements Comparable<TreeEntry> {
  /**
   * The permission bits a tree may carry: rwx for all, and the sticky bit. Set-user-id and
   * set-group-id are not kept: a mirror's files belong to the mirror's user, not the origin's
   * owner, so restoring them would hand the origin that user's rights (tck/SPEC.md §4.4).
   */
  public static final int MODE_MASK = 01777;

  private final byte[] name;
  private final EntryKind kind;
  private final boolean executable;
  private final long size;
  private final ObjectId id;
  private final byte[] linkTarget;
  private final boolean hasMetadata;
  private final long mtimeSeconds;
  private final int mtimeNanos;
  private final int mode;

  private TreeEntry(byte[] name, EntryKind kind, boolean executable, long size, ObjectId id, byte[] linkTarget) {
    this(name, kind, executable, size, id, linkTarget, false, 0, 0, defaultMode(kind, executable));
  }

  private TreeEntry(byte[] name, EntryKind kind, boolean executable, long size, ObjectId id, byte[] linkTarget,
      boolean hasMetadata, long mtimeSeconds, int mtimeNanos, int mode) {
    this.name = name;
    this.kind = kind;
    this.executable = executable;
    this.size = size;
    this.id = id;
    this.linkTarget = linkTarget;
    this.hasMetadata = hasMetadata;
    this.mtimeSeconds = mtimeSeconds;
    this.mtimeNanos = mtimeNanos;
    this.mode = mode;
  }

  /** What a version-1 entry stands for: 0755 or 0644 by the executable flag, 0755 for a directory. */
  private static int defaultMode(EntryKind kind, boolean executable) {
    return switch (kind) {
      case FILE -> executable ? 0755 : 0644;
      case DIRECTORY -> 0755;
      case SYMLINK -> 0;
    };
  }

  /**
   * This entry with a modification time and permission bits (a version-2 entry). A file's
   * executable flag becomes the owner's execute bit of {@code mode}.
   *
   * @param mtimeSeconds seconds since the epoch (may be negative)
   * @param mtimeNanos 0 to 999,999,999
   * @param mode permission bits within {@link #MODE_MASK} for files and directories; 0 for symlinks
   * @throws IllegalArgumentException if a value is out of range
   */
  public TreeEntry withMetadata(long mtimeSeconds, int mtimeNanos, int mode) {
    if (mtimeNanos < 0 || mtimeNanos >= 1_000_000_000) {
      throw new IllegalArgumentException("mtime nanoseconds " + mtimeNanos + " out of range");
    }
    if ((mode & ~MODE_MASK) != 0 || (kind == EntryKind.SYMLINK && mode != 0)) {
      throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " not allowed for a " + kind);
    }
    boolean x = kind == EntryKind.FILE && (mode & 0100) != 0;
    return new TreeEntry(name, kind, x, size, id, linkTarget, true, mtimeSeconds, mtimeNanos, mode);
  }

  /** This directory entry naming another tree, with the same name and metadata. */
  public TreeEntry withTreeId(ObjectId treeId) {
    if (kind != EntryKind.DIRECTORY || treeId.kind() != ObjectKind.TREE) {
      throw new IllegalArgumentException("only a directory entry names a tree");
    }
    return new TreeEntry(name, kind, false, 0, treeId, null, hasMetadata, mtimeSeconds, mtimeNanos, mode);
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

  /** The executable bit (of a version-2 entry: the owner's execute bit of its mode); only files have it. */
  public boolean executable() {
    return executable;
  }

  /** Whether this entry carries its mtime and mode (version 2); if not, its mtime is unknown. */
  public boolean hasMetadata() {
    return hasMetadata;
  }

  /** Modification time, whole seconds since the epoch; 0 without {@link #hasMetadata()}. */
  public long mtimeSeconds() {
    return mtimeSeconds;
  }

  /** Modification time, nanoseconds within the second; 0 without {@link #hasMetadata()}. */
  public int mtimeNanos() {
    return mtimeNanos;
  }

  /**
   * Permission bits (within {@link #MODE_MASK}); without {@link #hasMetadata()}, 0755 or 0644 by
   * the executable flag (0755 for a directory); 0 for a symlink.
   */
  public int mode() {
    return mode;
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

  /** Same name, kind, flags, size, id, target and metadata. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TreeEntry e
        && Arrays.equals(name, e.name)
        && sameContent(e)
        && sameMetadata(e);
  }

  /** Same metadata: both without, or both with equal mtime and mode. */
  public boolean sameMetadata(TreeEntry e) {
    return hasMetadata == e.hasMetadata && mtimeSeconds == e.mtimeSeconds && mtimeNanos == e.mtimeNanos && mode == e.mode;
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
    return Arrays.hashCode(name) * 31 + Objects.hash(kind, executable, size, id, mtimeSeconds, mtimeNanos, mode)
        + Arrays.hashCode(linkTarget);
  }

  @Override
  public String toString() {
    String n = display(name);
    String meta = hasMetadata
        ? " mtime " + mtimeSeconds + "." + String.format("%09d", mtimeNanos) + (kind == EntryKind.SYMLINK ? "" : " mode " + Integer.toOctalString(mode))
        : "";
    return switch (kind) {
      case FILE -> "file " + n + " " + size + (executable ? " x " : " ") + id + meta;
      case DIRECTORY -> "dir " + n + " " + id + meta;
      case SYMLINK -> "link " + n + " -> " + display(linkTarget) + meta;
    };
  }
}
