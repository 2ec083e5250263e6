package io.chasm.hashtree.tree;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.UnsafePathException;
import io.chasm.hashtree.internal.Decoder;
import io.chasm.hashtree.internal.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * A directory: its entries sorted by name bytes, with one canonical byte encoding whose SHA-256 is
 * the tree id (tck/SPEC.md section 4). The encoding starts with the object kind byte 3, which
 * separates tree ids from file Merkle hashes (prefixes 0, 1, 2).
 *
 * <p>Encoding, version 1: {@code u8 kind=3 || u8 version=1 || u32 count || entries}, each entry
 * {@code u16 nameLength || name || u8 kind || u8 flags ||} then for a file {@code u64 size || u8
 * hashAlg || digest}, for a directory {@code u8 hashAlg || digest}, for a symlink {@code u16
 * targetLength || target}. Flags bit 0 is the executable bit (files only); other bits are 0.
 *
 * <p>Version 2 (entries with {@link TreeEntry#hasMetadata() metadata}): {@code u8 kind=3 || u8
 * version=2 || u32 count || entries}, each entry {@code u16 nameLength || name || u8 kind || i64
 * mtimeSeconds || u32 mtimeNanos ||} then for a file {@code u16 mode || u64 size || u8 hashAlg ||
 * digest}, for a directory {@code u16 mode || u8 hashAlg || digest}, for a symlink {@code u16
 * targetLength || target}. No flags byte: the executable bit is the owner's execute bit of the mode.
 * The version follows the entries, so every tree has one encoding: all with metadata is version 2,
 * none (and the empty tree) version 1; a mix is refused.
 *
 * <p>Immutable; equality is by id.
 */
public final class Tree {
  /** Format version of {@link #encode()} for entries without metadata, and of the empty tree. */
  public static final int VERSION_1 = 1;

  /** Format version of {@link #encode()} for entries with metadata: what an index builds. */
  public static final int VERSION = 2;

  /** The fewest bytes an entry takes, by version (empty name, then the shortest kind). */
  private static final int MIN_ENTRY_V1 = 6;
  private static final int MIN_ENTRY_V2 = 17;

  private static final int FLAG_EXECUTABLE = 1;

  private final List<TreeEntry> entries;
  private final byte[] encoded;
  private final ObjectId id;

  private Tree(List<TreeEntry> sorted, byte[] encoded) {
    this.entries = Collections.unmodifiableList(sorted);
    this.encoded = encoded;
    this.id = ObjectId.tree(Hash.sha256(encoded));
  }

  /** The empty directory. */
  public static Tree empty() {
    return new Tree(new ArrayList<>(), encodeEntries(List.of()));
  }

  /**
   * Builds a tree from entries in any order, with {@link TreeLimits#DEFAULT}.
   *
   * @throws CorruptObjectException if two entries have the same name
   * @throws LimitExceededException if a limit is exceeded
   */
  public static Tree of(Collection<TreeEntry> entries) throws CorruptObjectException, LimitExceededException {
    return of(entries, TreeLimits.DEFAULT);
  }

  /**
   * Builds a tree from entries in any order.
   *
   * @throws CorruptObjectException if two entries have the same name
   * @throws LimitExceededException if a limit is exceeded
   */
  public static Tree of(Collection<TreeEntry> entries, TreeLimits limits)
      throws CorruptObjectException, LimitExceededException {
    List<TreeEntry> sorted = new ArrayList<>(entries);
    Collections.sort(sorted);
    if (sorted.size() > limits.maxEntries()) {
      throw new LimitExceededException("tree has " + sorted.size() + " entries, limit " + limits.maxEntries());
    }
    for (int i = 0; i < sorted.size(); i++) {
      TreeEntry e = sorted.get(i);
      checkLimits(e.nameRaw(), e.linkTargetRaw(), limits);
      if (i > 0 && sorted.get(i - 1).compareTo(e) == 0) {
        throw new CorruptObjectException("duplicate tree entry '" + TreeEntry.display(e.nameRaw()) + "'");
      }
    }
    return new Tree(sorted, encodeEntries(sorted));
  }

  private static void checkLimits(byte[] name, byte[] target, TreeLimits limits) throws LimitExceededException {
    if (name.length > limits.maxNameLength()) {
      throw new LimitExceededException("entry name of " + name.length + " bytes, limit " + limits.maxNameLength());
    }
    if (target != null && target.length > limits.maxLinkTarget()) {
      throw new LimitExceededException("symlink target of " + target.length + " bytes, limit " + limits.maxLinkTarget());
    }
  }

  private static byte[] encodeEntries(List<TreeEntry> sorted) {
    int version = versionOf(sorted);
    Encoder e = new Encoder(6 + sorted.size() * 80);
    e.u8(ObjectKind.TREE.code()).u8(version).u32(sorted.size());
    for (TreeEntry t : sorted) {
      e.u16(t.nameLength()).bytes(t.nameRaw()).u8(t.kind().code());
      if (version == VERSION_1) {
        e.u8(t.executable() ? FLAG_EXECUTABLE : 0);
      } else {
        e.u64(t.mtimeSeconds()).u32(t.mtimeNanos());
        if (t.kind() != EntryKind.SYMLINK) {
          e.u16(t.mode());
        }
      }
      switch (t.kind()) {
        case FILE -> e.u64(t.size()).u8(t.id().hash().algorithm().code()).bytes(t.id().hash().bytes());
        case DIRECTORY -> e.u8(t.id().hash().algorithm().code()).bytes(t.id().hash().bytes());
        case SYMLINK -> e.u16(t.linkTargetRaw().length).bytes(t.linkTargetRaw());
      }
    }
    return e.toByteArray();
  }

  private static int versionOf(List<TreeEntry> sorted) {
    int with = 0;
    for (TreeEntry t : sorted) {
      with += t.hasMetadata() ? 1 : 0;
    }
    if (with != 0 && with != sorted.size()) {
      throw new IllegalArgumentException("a tree's entries either all carry metadata or none do (" + with + " of "
          + sorted.size() + " do)");
    }
    return with == 0 ? VERSION_1 : VERSION;
  }

  /** The encoding's format version: 2 when the entries carry metadata, else 1. */
  public int version() {
    return encoded[1];
  }

  /** Decodes with {@link TreeLimits#DEFAULT}; see {@link #decode(byte[], TreeLimits)}. */
  public static Tree decode(byte[] bytes) throws CorruptObjectException, LimitExceededException {
    return decode(bytes, TreeLimits.DEFAULT);
  }

  /**
   * Decodes a tree, accepting only the canonical encoding (so {@code decode(b).encode()} equals
   * {@code b}).
   *
   * @throws UnsafePathException if a name is empty, {@code .}, {@code ..}, or contains {@code /} or
   *     NUL, or a symlink target is empty or contains NUL
   * @throws CorruptObjectException if the bytes are truncated, have trailing bytes, an unknown
   *     version, kind, flag or hash algorithm, or entries that are unsorted or duplicated
   * @throws LimitExceededException if a limit is exceeded
   */
  public static Tree decode(byte[] bytes, TreeLimits limits) throws CorruptObjectException, LimitExceededException {
    Decoder d = new Decoder(bytes, "tree");
    int kind = d.u8();
    if (kind != ObjectKind.TREE.code()) {
      throw d.corrupt("kind " + kind + " is not a tree");
    }
    int version = d.u8();
    if (version != VERSION_1 && version != VERSION) {
      throw d.corrupt("unknown version " + version);
    }
    int count = d.u32();
    if (count > limits.maxEntries()) {
      throw new LimitExceededException("tree has " + count + " entries, limit " + limits.maxEntries());
    }
    // No entry encodes in fewer than MIN_ENTRY bytes: a bound before allocating.
    if ((long) count * (version == VERSION_1 ? MIN_ENTRY_V1 : MIN_ENTRY_V2) > d.remaining()) {
      throw d.corrupt("too short for " + count + " entries");
    }
    if (version == VERSION && count == 0) {
      throw d.corrupt("an empty tree is encoded as version 1");
    }
    List<TreeEntry> entries = new ArrayList<>(count);
    byte[] previous = null;
    for (int i = 0; i < count; i++) {
      int nameLength = d.u16();
      if (nameLength > limits.maxNameLength()) {
        throw new LimitExceededException("entry name of " + nameLength + " bytes, limit " + limits.maxNameLength());
      }
      byte[] name = d.bytes(nameLength);
      TreeEntry.checkName(name);
      if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
        throw d.corrupt("entry '" + TreeEntry.display(name) + "' is duplicated or out of order");
      }
      previous = name;
      int code = d.u8();
      EntryKind ek = EntryKind.fromCode(code);
      if (ek == null) {
        throw d.corrupt("entry '" + TreeEntry.display(name) + "' has unknown kind " + code);
      }
      if (version == VERSION) {
        entries.add(decodeV2(d, name, ek, limits));
        continue;
      }
      int flags = d.u8();
      if (flags != 0 && !(ek == EntryKind.FILE && flags == FLAG_EXECUTABLE)) {
        throw d.corrupt("entry '" + TreeEntry.display(name) + "' has flags " + flags);
      }
      entries.add(decodeBody(d, name, ek, flags == FLAG_EXECUTABLE, limits));
    }
    d.end();
    return new Tree(entries, bytes.clone());
  }

  private static TreeEntry decodeV2(Decoder d, byte[] name, EntryKind ek, TreeLimits limits)
      throws CorruptObjectException, LimitExceededException {
    long seconds = d.i64();
    int nanos = d.u32();
    if (nanos >= 1_000_000_000) {
      throw d.corrupt("entry '" + TreeEntry.display(name) + "' has mtime nanoseconds " + nanos);
    }
    int mode = 0;
    if (ek != EntryKind.SYMLINK) {
      mode = d.u16();
      if ((mode & ~TreeEntry.MODE_MASK) != 0) {
        throw d.corrupt("entry '" + TreeEntry.display(name) + "' has mode " + Integer.toOctalString(mode));
      }
    }
    return decodeBody(d, name, ek, false, limits).withMetadata(seconds, nanos, mode);
  }

  /** The part of an entry both versions share, last in each: a file's size and id, a directory's id, a link's target. */
  private static TreeEntry decodeBody(Decoder d, byte[] name, EntryKind ek, boolean executable, TreeLimits limits)
      throws CorruptObjectException, LimitExceededException {
    return switch (ek) {
      case FILE -> {
        long size = d.u64();
        yield TreeEntry.file(name, size, executable, ObjectId.file(readHash(d)));
      }
      case DIRECTORY -> TreeEntry.directory(name, ObjectId.tree(readHash(d)));
      case SYMLINK -> {
        int n = d.u16();
        if (n > limits.maxLinkTarget()) {
          throw new LimitExceededException("symlink target of " + n + " bytes, limit " + limits.maxLinkTarget());
        }
        yield TreeEntry.symlink(name, d.bytes(n));
      }
    };
  }

  private static Hash readHash(Decoder d) throws CorruptObjectException {
    HashAlgorithm alg = HashAlgorithm.fromCode(d.u8());
    return Hash.of(alg, d.bytes(alg.length()));
  }

  /**
   * Decodes a tree and checks that it is the one {@code expected} names.
   *
   * @throws HashMismatchException if the bytes do not hash to {@code expected}
   * @throws CorruptObjectException if they do but are not a canonical tree
   * @throws LimitExceededException if a limit is exceeded
   */
  public static Tree decode(byte[] bytes, ObjectId expected, TreeLimits limits)
      throws CorruptObjectException, HashMismatchException, LimitExceededException {
    if (expected.kind() != ObjectKind.TREE) {
      throw new IllegalArgumentException(expected + " is not a tree id");
    }
    if (!ObjectId.tree(Hash.sha256(bytes)).equals(expected)) {
      throw new HashMismatchException("tree does not hash to " + expected);
    }
    return decode(bytes, limits);
  }

  /** The tree id: SHA-256 of {@link #encode()}. */
  public ObjectId id() {
    return id;
  }

  /** Entries sorted by name bytes (unmodifiable). */
  public List<TreeEntry> entries() {
    return entries;
  }

  /** The entry with this name, or null (binary search). */
  public TreeEntry entry(byte[] name) {
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Arrays.compareUnsigned(entries.get(mid).nameRaw(), name);
      if (c == 0) {
        return entries.get(mid);
      } else if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return null;
  }

  /** The entry with this UTF-8 name, or null. */
  public TreeEntry entry(String name) {
    return entry(name.getBytes(StandardCharsets.UTF_8));
  }

  /** The canonical encoding (a copy). */
  public byte[] encode() {
    return encoded.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tree t && t.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Tree[" + id + ", " + entries.size() + " entries]";
  }
}
