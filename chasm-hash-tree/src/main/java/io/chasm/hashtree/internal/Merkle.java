package io.chasm.hashtree.internal;

import io.chasm.api.HashAlgorithm;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * File Merkle hashing (tck/SPEC.md section 3): RFC 6962 leaf/node prefixes, with the chunk's offset
 * and length inside the leaf and the file's size and chunk count bound into the root.
 */
public final class Merkle {
  private Merkle() {}

  public static final byte LEAF_PREFIX = 0x00;
  public static final byte NODE_PREFIX = 0x01;
  public static final byte FILE_ROOT_PREFIX = 0x02;
  public static final int DIGEST = 32;

  /** SHA-256(0x00 || u64 offset || u32 length || chunk digest). */
  public static byte[] leaf(MessageDigest md, long offset, int length, byte[] chunkDigest) {
    return leaf(md, offset, length, chunkDigest, 0);
  }

  /** As {@link #leaf(MessageDigest, long, int, byte[])} with the digest at {@code digests[at, at + 32)}. */
  public static byte[] leaf(MessageDigest md, long offset, int length, byte[] digests, int at) {
    byte[] head = new byte[13];
    head[0] = LEAF_PREFIX;
    Bytes.putU64(head, 1, offset);
    Bytes.putU32(head, 9, length);
    md.reset();
    md.update(head);
    md.update(digests, at, DIGEST);
    return md.digest();
  }

  /** SHA-256(0x01 || left || right). */
  public static byte[] node(MessageDigest md, byte[] left, byte[] right) {
    md.reset();
    md.update(NODE_PREFIX);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** SHA-256(0x02 || u64 size || u32 count || treeHead). */
  public static byte[] fileRoot(MessageDigest md, long size, int count, byte[] treeHead) {
    md.reset();
    md.update(FILE_ROOT_PREFIX);
    md.update(Bytes.u64(size));
    md.update(Bytes.u32(count));
    md.update(treeHead);
    return md.digest();
  }

  /** RFC 6962 Merkle tree head over {@code leaves[lo, hi)}; SHA-256("") when empty. */
  public static byte[] treeHead(MessageDigest md, byte[][] leaves, int lo, int hi) {
    int n = hi - lo;
    if (n == 0) {
      md.reset();
      return md.digest();
    }
    if (n == 1) {
      return leaves[lo];
    }
    int k = splitPoint(n);
    byte[] left = treeHead(md, leaves, lo, lo + k);
    byte[] right = treeHead(md, leaves, lo + k, hi);
    return node(md, left, right);
  }

  /** The largest power of two strictly less than {@code n} (n >= 2). */
  public static int splitPoint(int n) {
    return Integer.highestOneBit(n - 1);
  }

  /**
   * Every subtree head of the RFC 6962 recursion over {@code leaves}, keyed by {@link #key}, so
   * that audit paths cost a lookup per level instead of rehashing the tree.
   */
  public static Map<Long, byte[]> subtreeHeads(MessageDigest md, byte[][] leaves) {
    Map<Long, byte[]> heads = new HashMap<>(4 * leaves.length + 4);
    if (leaves.length > 0) {
      fill(md, leaves, 0, leaves.length, heads);
    }
    return heads;
  }

  private static byte[] fill(MessageDigest md, byte[][] leaves, int lo, int hi, Map<Long, byte[]> heads) {
    byte[] h;
    if (hi - lo == 1) {
      h = leaves[lo];
    } else {
      int k = splitPoint(hi - lo);
      h = node(md, fill(md, leaves, lo, lo + k, heads), fill(md, leaves, lo + k, hi, heads));
    }
    heads.put(key(lo, hi), h);
    return h;
  }

  public static long key(int lo, int hi) {
    return (long) lo << 32 | hi;
  }

  /** RFC 9162 section 2.1.3.1 audit path of leaf {@code m} among {@code n} leaves. */
  public static List<byte[]> path(Map<Long, byte[]> heads, int m, int n) {
    List<byte[]> out = new ArrayList<>();
    int lo = 0;
    int hi = n;
    List<byte[]> reversed = new ArrayList<>();
    while (hi - lo > 1) {
      int k = splitPoint(hi - lo);
      if (m - lo < k) {
        reversed.add(heads.get(key(lo + k, hi)));
        hi = lo + k;
      } else {
        reversed.add(heads.get(key(lo, lo + k)));
        lo = lo + k;
      }
    }
    for (int i = reversed.size() - 1; i >= 0; i--) {
      out.add(reversed.get(i));
    }
    return out;
  }

  /**
   * RFC 9162 section 2.1.3.2: recomputes the tree head from a leaf and its audit path.
   *
   * @return the tree head, or null if the path does not fit {@code index} and {@code count}
   */
  public static byte[] headFromPath(MessageDigest md, byte[] leaf, long index, long count, List<byte[]> path) {
    if (index < 0 || index >= count) {
      return null;
    }
    long fn = index;
    long sn = count - 1;
    byte[] r = leaf;
    for (byte[] p : path) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = node(md, p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = node(md, r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? r : null;
  }

  public static MessageDigest sha256() {
    return HashAlgorithm.SHA_256.newDigest();
  }
}
