package io.chasm.stats.internal.hll;

import java.util.Arrays;

/**
 * Many unique-downloader sets, each with DataSketches' figure for its coupons but held densely: a
 * run's report has one per artifact, protocol and open month (55,600 artifacts on the benchmark's
 * log), and as {@code HllSketch} objects they were the part of the {@code --state} live set that
 * grew with the input (w7-A). While a set has at most {@link #SMALL_MAX} coupons (DataSketches' LIST
 * and SET modes) it is its coupons, sorted as unsigned ints, in an {@code int[]} of exactly their
 * number (DataSketches keeps a hash table at most 3/4 full, the {@code CouponList} or {@code
 * CouponHashSet} and the {@code HllSketch} around it); past that its 4,096 registers as 4-bit
 * values, two per byte, with the rare values of 15 and more (about one update in 16,384) in a
 * short list beside them: the size of an HLL_4 sketch without its objects. A figure is the
 * composite estimate DataSketches gives a sketch fed the same values, read from {@link
 * CouponImages}' image of the same coupons or registers. Sets are numbered from 0 by {@link
 * #create}. Not thread-safe.
 */
public final class CouponSets {
  /** The most coupons a set keeps as such: DataSketches' SET mode ends there (see CouponImages). */
  public static final int SMALL_MAX = CouponImages.SET_LIMIT;
  private static final int K = 1 << CouponImages.LG_K;
  private static final int NIBBLE_MAX = 15;
  private static final int[] EMPTY = new int[0];

  private int count;
  // Per set: its coupons while small (EMPTY when it has none), null once it is registers.
  private int[][] small = new int[16][];
  // Per set in register mode: two registers per byte (even slot in the low half), 15 meaning
  // "see the exceptions"; null otherwise.
  private byte[][] nibbles = new byte[16][];
  // Per set in register mode: slot << 8 | value of each register at 15 or more, in slot order;
  // null when it has none.
  private int[][] over = new int[16][];
  private final byte[] registers = new byte[K];
  // Numbers of released sets, reused by create (a run's closed months).
  private int[] free = new int[16];
  private int freeCount;

  /** A new empty set's number (a released one's, if any). */
  public int create() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    if (count == small.length) {
      int n = count * 2;
      small = Arrays.copyOf(small, n);
      nibbles = Arrays.copyOf(nibbles, n);
      over = Arrays.copyOf(over, n);
    }
    small[count] = EMPTY;
    return count++;
  }

  /** Number of sets in use (created and not released). */
  public int size() {
    return count - freeCount;
  }

  /**
   * Adds the coupons in the low 32 bits of {@code packed[from .. to)}, which must be sorted as
   * unsigned ints and distinct (as {@link CouponImages#groupByRow} leaves a row's).
   */
  public void addSorted(int set, long[] packed, int from, int to) {
    if (to <= from) {
      return;
    }
    int[] s = small[set];
    if (s == null) {
      for (int i = from; i < to; i++) {
        update(set, (int) packed[i]);
      }
      return;
    }
    // A merge into a new array of the union's exact size: one allocation per set and step.
    int n = s.length, m = to - from, i = 0, j = from, w = 0;
    int[] u = new int[Math.min(n + m, SMALL_MAX + 1)];
    while (w <= SMALL_MAX && (i < n || j < to)) {
      int c;
      if (j == to) {
        c = s[i++];
      } else if (i == n) {
        c = (int) packed[j++];
      } else {
        int a = s[i], b = (int) packed[j];
        int cmp = Integer.compareUnsigned(a, b);
        c = cmp <= 0 ? a : b;
        i += cmp <= 0 ? 1 : 0;
        j += cmp >= 0 ? 1 : 0;
      }
      u[w++] = c;
    }
    if (w <= SMALL_MAX) {
      small[set] = w == u.length ? u : Arrays.copyOf(u, w);
      return;
    }
    // Past the SET mode: registers from everything, the union's head and what neither loop read.
    toRegisters(set, u, w);
    for (; i < n; i++) {
      update(set, s[i]);
    }
    for (; j < to; j++) {
      update(set, (int) packed[j]);
    }
  }

  /** Adds one coupon. */
  public void add(int set, int coupon) {
    int[] s = small[set];
    if (s == null) {
      update(set, coupon);
      return;
    }
    int at = unsignedSearch(s, coupon);
    if (at >= 0) {
      return;
    }
    at = -at - 1;
    if (s.length == SMALL_MAX) {
      toRegisters(set, s, s.length);
      update(set, coupon);
      return;
    }
    int[] u = new int[s.length + 1];
    System.arraycopy(s, 0, u, 0, at);
    u[at] = coupon;
    System.arraycopy(s, at, u, at + 1, s.length - at);
    small[set] = u;
  }

  /** Whether a set has no coupon. */
  public boolean isEmpty(int set) {
    return small[set] != null && small[set].length == 0;
  }

  /**
   * The set's figure: {@code Math.round} of the composite estimate of an {@code HllSketch} (lgK
   * 12) fed the values its coupons came from; 0 for an empty set.
   */
  public long estimate(int set) {
    int[] s = small[set];
    if (s != null) {
      if (s.length == 0) {
        return 0;
      }
      long[] packed = new long[s.length];
      for (int i = 0; i < s.length; i++) {
        packed[i] = s[i] & 0xffffffffL;
      }
      return Math.round(CouponImages.sketch(packed, 0, packed.length).getCompositeEstimate());
    }
    readRegisters(set);
    return Math.round(CouponImages.sketchOfRegisters(registers).getCompositeEstimate());
  }

  /** Empties a set and lets go of its memory; {@link #create} may give its number again. */
  public void release(int set) {
    small[set] = EMPTY;
    nibbles[set] = null;
    over[set] = null;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, freeCount * 2);
    }
    free[freeCount++] = set;
  }

  /** Bytes held by the sets' arrays (their contents and headers), for tests and measurements. */
  public long bytes() {
    long b = 0;
    for (int i = 0; i < count; i++) {
      b += small[i] == null ? 0 : 16 + 4L * small[i].length;
      b += nibbles[i] == null ? 0 : 16 + nibbles[i].length;
      b += over[i] == null ? 0 : 16 + 4L * over[i].length;
    }
    return b;
  }

  private void toRegisters(int set, int[] coupons, int n) {
    small[set] = null;
    nibbles[set] = new byte[K / 2];
    for (int i = 0; i < n; i++) {
      update(set, coupons[i]);
    }
  }

  private void update(int set, int coupon) {
    int slot = coupon & (K - 1);
    int v = coupon >>> CouponImages.KEY_BITS;
    byte[] nb = nibbles[set];
    int shift = (slot & 1) << 2;
    int cur = (nb[slot >> 1] >>> shift) & 0xf;
    if (cur < NIBBLE_MAX) {
      if (v <= cur) {
        return;
      }
      if (v < NIBBLE_MAX) {
        nb[slot >> 1] = (byte) ((nb[slot >> 1] & ~(0xf << shift)) | v << shift);
        return;
      }
      nb[slot >> 1] = (byte) (nb[slot >> 1] | NIBBLE_MAX << shift);
    } else if (v <= NIBBLE_MAX) {
      return; // the register's exception holds 15 or more
    }
    int[] o = over[set];
    int at = o == null ? -1 : search(o, slot);
    if (at >= 0) {
      if ((o[at] & 0xff) < v) {
        o[at] = slot << 8 | v;
      }
      return;
    }
    at = -at - 1;
    int len = o == null ? 0 : o.length;
    int[] u = new int[len + 1];
    if (o != null) {
      System.arraycopy(o, 0, u, 0, at);
      System.arraycopy(o, at, u, at + 1, len - at);
    }
    u[at] = slot << 8 | v;
    over[set] = u;
  }

  private void readRegisters(int set) {
    byte[] nb = nibbles[set];
    for (int s = 0; s < K; s++) {
      registers[s] = (byte) ((nb[s >> 1] >>> ((s & 1) << 2)) & 0xf);
    }
    int[] o = over[set];
    if (o != null) {
      for (int e : o) {
        registers[e >>> 8] = (byte) (e & 0xff);
      }
    }
  }

  // Binary search of an entry by slot in a list sorted by slot.
  private static int search(int[] o, int slot) {
    int lo = 0, hi = o.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int s = o[mid] >>> 8;
      if (s < slot) {
        lo = mid + 1;
      } else if (s > slot) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  private static int unsignedSearch(int[] a, int key) {
    int lo = 0, hi = a.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Integer.compareUnsigned(a[mid], key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }
}
