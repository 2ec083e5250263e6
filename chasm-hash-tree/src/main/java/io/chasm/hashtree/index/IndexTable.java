package io.chasm.hashtree.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The index's entries in columns (struct of arrays), in depth-first order with each directory's
 * children sorted by name bytes. Per entry this costs its path bytes plus about 90 bytes, and 36
 * bytes per chunk, with no object per entry: the reason the index fits in a few hundred bytes per
 * file.
 *
 * <p>Paths are relative to the root, components joined by '/'. Not thread-safe.
 */
final class IndexTable {
  static final byte FILE = 0;
  static final byte EXECUTABLE = 1;
  static final byte SYMLINK = 2;
  static final byte DIRECTORY = 3;
  static final byte KIND_MASK = 3;
  /** Stat taken so close to hashing that a later write could keep size and times: rehash next time. */
  static final byte RACY = 4;

  static final int ID_LENGTH = 32;

  int count;
  /**
   * Read from a version-1 index file: its directory ids name version-1 trees, which carry no
   * metadata, so none is reused (files are, by stat, as always).
   */
  boolean legacyTrees;
  byte[] paths;
  int pathsLength;
  int[] pathStart;
  byte[] kinds;
  long[] dev;
  long[] ino;
  long[] size;
  long[] mtime;
  long[] ctime;
  /** File id (files) or tree id (directories), 32 bytes each; zero for symlinks. */
  byte[] ids;
  /** Entry i's chunks are [chunkStart[i], chunkStart[i+1]). */
  int[] chunkStart;
  Map<Integer, byte[]> linkTargets = new HashMap<>();

  int chunkCount;
  byte[] chunkIds = new byte[256 * ID_LENGTH];
  int[] chunkLength = new int[256];

  IndexTable() {
    this(256, 1 << 12);
  }

  /**
   * A table with room for {@code entries} entries and {@code pathBytes} bytes of paths: sized
   * exactly, a table never grows by doubling (each doubling left a copy of every column behind
   * as garbage, a large part of an index run's peak memory) and {@link #trim} copies nothing.
   */
  IndexTable(int entries, int pathBytes) {
    int n = Math.max(entries, 1);
    paths = new byte[Math.max(pathBytes, 1)];
    pathStart = new int[n + 1];
    kinds = new byte[n];
    dev = new long[n];
    ino = new long[n];
    size = new long[n];
    mtime = new long[n];
    ctime = new long[n];
    ids = new byte[n * ID_LENGTH];
    chunkStart = new int[n + 1];
  }

  /** Appends an entry (its chunks are appended afterwards with {@link #addChunk}) and returns its index. */
  int add(byte[] path, byte kind, long dev, long ino, long size, long mtime, long ctime) {
    return add(path, null, 0, 0, kind, dev, ino, size, mtime, ctime);
  }

  /**
   * Appends an entry whose path is {@code prefix} followed by {@code nameLength} bytes of {@code
   * names} from {@code nameFrom} (without building the joined path).
   */
  int add(byte[] prefix, byte[] names, int nameFrom, int nameLength, byte kind, long dev, long ino, long size,
      long mtime, long ctime) {
    if (count == kinds.length) {
      int n = count * 2;
      kinds = Arrays.copyOf(kinds, n);
      this.dev = Arrays.copyOf(this.dev, n);
      this.ino = Arrays.copyOf(this.ino, n);
      this.size = Arrays.copyOf(this.size, n);
      this.mtime = Arrays.copyOf(this.mtime, n);
      this.ctime = Arrays.copyOf(this.ctime, n);
      ids = Arrays.copyOf(ids, n * ID_LENGTH);
      pathStart = Arrays.copyOf(pathStart, n + 1);
      chunkStart = Arrays.copyOf(chunkStart, n + 1);
    }
    int length = prefix.length + nameLength;
    if (pathsLength + length > paths.length) {
      paths = Arrays.copyOf(paths, Math.max(paths.length * 2, pathsLength + length));
    }
    int i = count++;
    System.arraycopy(prefix, 0, paths, pathsLength, prefix.length);
    if (nameLength > 0) {
      System.arraycopy(names, nameFrom, paths, pathsLength + prefix.length, nameLength);
    }
    pathsLength += length;
    pathStart[i + 1] = pathsLength;
    kinds[i] = kind;
    this.dev[i] = dev;
    this.ino[i] = ino;
    this.size[i] = size;
    this.mtime[i] = mtime;
    this.ctime[i] = ctime;
    chunkStart[i + 1] = chunkCount;
    return i;
  }

  /** Appends a chunk to the last entry. */
  void addChunk(byte[] id, int idOffset, int length) {
    if (chunkCount == chunkLength.length) {
      int n = chunkCount * 2;
      chunkLength = Arrays.copyOf(chunkLength, n);
      chunkIds = Arrays.copyOf(chunkIds, n * ID_LENGTH);
    }
    System.arraycopy(id, idOffset, chunkIds, chunkCount * ID_LENGTH, ID_LENGTH);
    chunkLength[chunkCount++] = length;
    chunkStart[count] = chunkCount;
  }

  /** Copies entry {@code i}'s chunks from {@code other} to the last entry of this table. */
  void copyChunks(IndexTable other, int i) {
    for (int c = other.chunkStart[i]; c < other.chunkStart[i + 1]; c++) {
      addChunk(other.chunkIds, c * ID_LENGTH, other.chunkLength[c]);
    }
  }

  void setId(int i, byte[] src, int srcOffset) {
    System.arraycopy(src, srcOffset, ids, i * ID_LENGTH, ID_LENGTH);
  }

  byte kind(int i) {
    return (byte) (kinds[i] & KIND_MASK);
  }

  boolean racy(int i) {
    return (kinds[i] & RACY) != 0;
  }

  byte[] path(int i) {
    return Arrays.copyOfRange(paths, pathStart[i], pathStart[i + 1]);
  }

  /** Entry {@code i}'s path followed by '/': the prefix of its children's paths. */
  byte[] pathWithSlash(int i) {
    int from = pathStart[i];
    int n = pathStart[i + 1] - from;
    byte[] p = Arrays.copyOfRange(paths, from, from + n + 1);
    p[n] = '/';
    return p;
  }

  String pathString(int i) {
    return new String(paths, pathStart[i], pathStart[i + 1] - pathStart[i], StandardCharsets.UTF_8);
  }

  int chunks(int i) {
    return chunkStart[i + 1] - chunkStart[i];
  }

  /** Entry holding chunk {@code c} (binary search over chunk starts). */
  int entryOfChunk(int c) {
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (chunkStart[mid] <= c) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    // Entries without chunks share a start with the next one: skip forward to the owner.
    while (chunkStart[lo + 1] <= c) {
      lo++;
    }
    return lo;
  }

  /** Byte offset of chunk {@code c} within its file. */
  long chunkOffset(int c) {
    int e = entryOfChunk(c);
    long off = 0;
    for (int k = chunkStart[e]; k < c; k++) {
      off += chunkLength[k];
    }
    return off;
  }

  /**
   * Compares two paths in the table's order: component by component, names as unsigned bytes. The
   * same as comparing with '/' mapped below every other byte, which names cannot contain.
   */
  static int comparePaths(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
    int n = Math.min(aTo - aFrom, bTo - bFrom);
    for (int k = 0; k < n; k++) {
      int x = a[aFrom + k] & 0xff;
      int y = b[bFrom + k] & 0xff;
      if (x != y) {
        if (x == '/') {
          return -1;
        }
        if (y == '/') {
          return 1;
        }
        return x - y;
      }
    }
    return (aTo - aFrom) - (bTo - bFrom);
  }

  /** Whether entry {@code i} is recorded with the id {@code id}. */
  boolean hasId(int i, io.chasm.api.ObjectId id) {
    return Arrays.equals(ids, i * ID_LENGTH, (i + 1) * ID_LENGTH, id.hash().bytes(), 0, ID_LENGTH);
  }

  /** The end (exclusive) of directory entry {@code o}'s subtree: entries are in depth-first path order. */
  int subtreeEnd(int o) {
    int start = pathStart[o];
    int len = pathStart[o + 1] - start;
    int end = o + 1;
    while (end < count) {
      int ps = pathStart[end];
      if (pathStart[end + 1] - ps <= len || paths[ps + len] != '/' || !Arrays.equals(paths, ps, ps + len, paths, start, start + len)) {
        break;
      }
      end++;
    }
    return end;
  }

  /** Index of the entry with this path, or -1 (binary search: entries are in path order). */
  int find(byte[] path) {
    int lo = 0;
    int hi = count - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = comparePath(mid, path);
      if (c == 0) {
        return mid;
      } else if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  int comparePath(int i, byte[] other) {
    return comparePaths(paths, pathStart[i], pathStart[i + 1], other, 0, other.length);
  }

  /** Bytes held by this table's arrays (headers and the symlink map approximated). */
  long footprint() {
    long b = paths.length + 4L * pathStart.length + kinds.length + 8L * (dev.length * 5L) + ids.length
        + 4L * chunkStart.length + chunkIds.length + 4L * chunkLength.length + 16L * 14;
    for (byte[] t : linkTargets.values()) {
      b += 16 + t.length + 48; // array, boxed key, map node
    }
    return b;
  }

  /** Releases slack capacity (after a build, before the table is kept for long). */
  void trim() {
    int n = Math.max(count, 1);
    kinds = fit(kinds, n);
    dev = fit(dev, n);
    ino = fit(ino, n);
    size = fit(size, n);
    mtime = fit(mtime, n);
    ctime = fit(ctime, n);
    ids = fit(ids, n * ID_LENGTH);
    pathStart = fit(pathStart, count + 1);
    chunkStart = fit(chunkStart, count + 1);
    paths = fit(paths, pathsLength);
    chunkLength = fit(chunkLength, Math.max(chunkCount, 1));
    chunkIds = fit(chunkIds, Math.max(chunkCount, 1) * ID_LENGTH);
  }

  private static byte[] fit(byte[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  private static int[] fit(int[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  private static long[] fit(long[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

}
