package io.chasm.stats.internal.hll;

import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Unique-downloader sketches kept as HLL coupons instead of sketch objects, and written straight
 * to DataSketches' compact serialisation (SPEC §11.6). A coupon is what an {@code HllSketch}
 * derives from the value {@code update(long)} receives (26 bits of address, 6 bits of value), so
 * a set of coupons is an HLL sketch: below 8 coupons in LIST mode, up to 384 (3/4 of 2^(lgK-3))
 * in SET mode, and past that in HLL mode, as DataSketches promotes them. Keeping a step's coupons
 * as packed longs (row index, coupon) in one array replaces 240,000 {@code HllSketch}, 200,000
 * {@code CouponList} and 100,000 {@code Union} objects per step (w5-A2's histogram; w6-A).
 */
public final class CouponImages {
  /** log2 of the sketches' k (SPEC §11.6: the reference agent uses 12). */
  public static final int LG_K = 12;
  private static final long UPDATE_SEED = 9001L; // DataSketches' DEFAULT_UPDATE_SEED
  static final int KEY_BITS = 26;
  private static final int LIST_LIMIT = 8; // a full list (lgArr 3) becomes a set
  static final int SET_LIMIT = 3 * (1 << (LG_K - 3)) / 4; // a fuller set becomes HLL
  private static final int SERIAL_VERSION = 1;
  private static final int FAMILY = 7;
  private static final int COMPACT = 8, OUT_OF_ORDER = 16;
  private static final int MODE_LIST = 0, MODE_SET = 1, MODE_HLL = 2, TARGET_HLL_8 = 2 << 2;
  private static final int HLL_START = 40;

  private CouponImages() {}

  /** The coupon {@code HllSketch.update(value)} adds: never 0. */
  public static int coupon(long value) {
    long[] h = MurmurHash3.hash(value, UPDATE_SEED);
    int lz = Long.numberOfLeadingZeros(h[1]);
    return (Math.min(lz, 62) + 1) << KEY_BITS | (int) (h[0] & ((1 << KEY_BITS) - 1));
  }

  /** A packed (row, coupon) pair: sorting them groups a row's coupons; rows must be ≥ 0. */
  public static long pack(int row, int coupon) {
    return (long) row << 32 | (coupon & 0xffffffffL);
  }

  public static int row(long packed) {
    return (int) (packed >>> 32);
  }

  /**
   * Groups {@code packed[0 .. n)} by row (rows below {@code rows}), each row's coupons sorted and
   * distinct: a counting sort by row, then a sort of each row's few coupons, instead of a sort of
   * all pairs (a whole-array sort was 5% of the samples, JFR, w6-A).
   *
   * @param end receives, for each row, where its coupons end in the result
   * @return the grouped coupons (a new array; row r's are at [end[r-1], end[r]), end[-1] = 0)
   */
  public static long[] groupByRow(long[] packed, int n, int rows, int[] end) {
    return groupByRow(new long[][] {packed}, new int[] {n}, new boolean[1], null, rows, end);
  }

  /**
   * Like {@link #groupByRow(long[], int, int, int[])} over several arrays of pairs, read in
   * place: a step's workers hand their arrays over instead of copying them into one. A pair of an
   * array whose {@code alsoTo} flag is set also counts for row {@code also[row]} when that is not
   * -1 (an HOUR row's coupons are its DAY row's too: kept once, not twice, until grouped).
   *
   * @throws IllegalArgumentException if a pair of such an array has a row whose {@code also} is -1
   */
  public static long[] groupByRow(long[][] parts, int[] sizes, boolean[] alsoTo, int[] also,
      int rows, int[] end) {
    int[] start = new int[rows + 1];
    for (int k = 0; k < parts.length; k++) {
      long[] p = parts[k];
      for (int i = 0, m = sizes[k]; i < m; i++) {
        int r = row(p[i]);
        start[r + 1]++;
        if (alsoTo[k]) {
          if (also[r] < 0) {
            throw new IllegalArgumentException("row " + r + " has no row to also count for");
          }
          start[also[r] + 1]++;
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      start[r + 1] += start[r];
    }
    long[] out = new long[start[rows]];
    int[] at = java.util.Arrays.copyOf(start, rows);
    for (int k = 0; k < parts.length; k++) {
      long[] p = parts[k];
      for (int i = 0, m = sizes[k]; i < m; i++) {
        int r = row(p[i]);
        out[at[r]++] = p[i];
        if (alsoTo[k]) {
          int d = also[r];
          out[at[d]++] = pack(d, (int) p[i]);
        }
      }
    }
    int w = 0;
    for (int r = 0; r < rows; r++) {
      int from = start[r], to = start[r + 1];
      if (to - from > 1) {
        java.util.Arrays.sort(out, from, to);
      }
      for (int i = from; i < to; i++) {
        if (i == from || out[i] != out[i - 1]) {
          out[w++] = out[i];
        }
      }
      end[r] = w;
    }
    return out;
  }

  /**
   * The compact HLL_4 image of the coupons in the low 32 bits of {@code packed[from .. to)}, which
   * are distinct; null when there are none. Small sets are written as DataSketches' LIST or SET
   * images (the coupons in the given order); a larger one goes through an HLL_8 image (out of order:
   * no HIP estimate, as a union's result) converted to HLL_4 by DataSketches.
   */
  public static byte[] image(long[] packed, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return null;
    }
    if (n > SET_LIMIT) {
      return HllSketch.heapify(hll8(packed, from, to)).copyAs(TgtHllType.HLL_4).toCompactByteArray();
    }
    boolean list = n < LIST_LIMIT;
    int start = list ? 8 : 12;
    byte[] b = new byte[start + 4 * n];
    b[0] = (byte) (list ? 2 : 3); // preamble ints
    b[1] = SERIAL_VERSION;
    b[2] = FAMILY;
    b[3] = LG_K;
    b[5] = COMPACT;
    if (list) {
      b[4] = 3;
      b[6] = (byte) n;
      b[7] = MODE_LIST; // target HLL_4 is 0
    } else {
      int lgArr = 5;
      while (4 * n > 3 * (1 << lgArr)) {
        lgArr++;
      }
      b[4] = (byte) lgArr;
      b[7] = MODE_SET;
      putInt(b, 8, n);
    }
    for (int i = 0; i < n; i++) {
      putInt(b, start + 4 * i, (int) packed[from + i]);
    }
    return b;
  }

  /** The sketch of {@link #image}'s image (null when there are no coupons). */
  public static HllSketch sketch(long[] packed, int from, int to) {
    byte[] b = image(packed, from, to);
    return b == null ? null : HllSketch.heapify(b);
  }

  /**
   * The HLL-mode sketch whose registers are {@code registers} (one per slot, 0-63), as a union's
   * result (out of order: its estimate is the composite one).
   */
  public static HllSketch sketchOfRegisters(byte[] registers) {
    int k = 1 << LG_K;
    if (registers.length != k) {
      throw new IllegalArgumentException(registers.length + " registers, not " + k);
    }
    byte[] b = new byte[HLL_START + k];
    System.arraycopy(registers, 0, b, HLL_START, k);
    return HllSketch.heapify(hll8Preamble(b));
  }

  // An HLL_8 image: one register byte per slot holding the largest coupon value seen there.
  private static byte[] hll8(long[] packed, int from, int to) {
    int k = 1 << LG_K;
    byte[] b = new byte[HLL_START + k];
    for (int i = from; i < to; i++) {
      int c = (int) packed[i];
      int slot = c & (k - 1);
      int v = c >>> KEY_BITS;
      if (v > b[HLL_START + slot]) {
        b[HLL_START + slot] = (byte) v;
      }
    }
    return hll8Preamble(b);
  }

  // Fills the preamble of an HLL_8 image whose registers are in place.
  private static byte[] hll8Preamble(byte[] b) {
    int k = 1 << LG_K;
    // Summed in slot order as DataSketches' Union rebuilds them (the HLL_4 copy recomputes them).
    double kxq0 = k, kxq1 = 0;
    int zeros = 0;
    for (int s = 0; s < k; s++) {
      int v = b[HLL_START + s];
      if (v == 0) {
        zeros++;
      } else if (v < 32) {
        kxq0 += 1.0 / (1L << v) - 1.0;
      } else {
        kxq1 += 1.0 / (1L << v) - 1.0;
      }
    }
    b[0] = 10;
    b[1] = SERIAL_VERSION;
    b[2] = FAMILY;
    b[3] = LG_K;
    b[5] = OUT_OF_ORDER;
    b[7] = MODE_HLL | TARGET_HLL_8;
    putLong(b, 16, Double.doubleToLongBits(kxq0));
    putLong(b, 24, Double.doubleToLongBits(kxq1));
    putInt(b, 32, zeros);
    return b;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  private static void putLong(byte[] b, int at, long v) {
    putInt(b, at, (int) v);
    putInt(b, at + 4, (int) (v >>> 32));
  }
}
