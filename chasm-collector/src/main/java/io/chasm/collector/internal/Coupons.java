package io.chasm.collector.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * A sketch in LIST or SET mode as DataSketches (6.2) holds it on the heap, without its objects: the
 * coupon array in the very layout {@code CouponList} and {@code CouponHashSet} would have after the
 * same inserts (same probing, same growth, same order), so that images written from it and unions
 * fed from it are byte for byte DataSketches' own. Heapifying a small submitted SET image cost the
 * roller a tenth of its time (JFR, docs/benchmarks.md "Issue 15 on main after round w7"), nearly all
 * of it objects, bounds-checked reads and step-by-step growth; here a parse is a loop over ints.
 *
 * <p>Not chasm-stats-model's {@code CouponImages} (w6-A): that writes a row's coupons sorted, a
 * valid image but not DataSketches' layout, while the collector must store exactly what a
 * DataSketches union would (the same bytes where the result is LIST or SET; {@code
 * SketchUnionProperties} checks it). Anything this class does not parse (HLL mode, an updatable
 * image, an odd preamble) goes to DataSketches as before ({@link Sketch#parse}).
 */
final class Coupons {
  static final int LIST_SIZE = 8; // lgArr 3: a full list becomes a set
  private static final int LG_INIT_SET = 5;
  private static final int KEY_MASK_26 = (1 << 26) - 1;
  private static final int LIST_PREINTS = 2, SET_PREINTS = 3, SERIAL_VERSION = 1, FAMILY = 7;
  private static final int EMPTY_FLAG = 4, COMPACT_FLAG = 8;
  private static final int MODE_LIST = 0, MODE_SET = 1;
  /** Rounded estimates by coupon count (a coupon sketch's estimate depends on its count alone). */
  private static final AtomicLongArray ROUNDED = new AtomicLongArray(1025);
  /** The same unrounded, as double bits (0: not computed yet; no estimate of a count above 0 is 0). */
  private static final AtomicLongArray EXACT = new AtomicLongArray(1025);

  final int lgK;
  final TgtHllType type;
  boolean list;
  int lgArr;
  int count;
  int[] arr;

  private Coupons(int lgK, TgtHllType type, boolean list, int lgArr, int count, int[] arr) {
    this.lgK = lgK;
    this.type = type;
    this.list = list;
    this.lgArr = lgArr;
    this.count = count;
    this.arr = arr;
  }

  /** An empty LIST, as a union's gadget starts ({@code lgK} at least 8: a SET needs it). */
  static Coupons emptyList(int lgK, TgtHllType type) {
    return new Coupons(lgK, type, true, 3, 0, new int[LIST_SIZE]);
  }

  /**
   * A compact LIST or SET image as {@code HllSketch.heapify} would hold it; null for any image it
   * does not handle (the caller then asks DataSketches, which accepts or refuses as before).
   */
  static Coupons parse(byte[] b) {
    if (b.length < 8 || b[1] != SERIAL_VERSION || b[2] != FAMILY) {
      return null;
    }
    int lgK = b[3];
    int mode = b[7] & 3;
    int typeId = (b[7] >>> 2) & 3;
    if (lgK < 8 || lgK > Sketches.MAX_LG_K || typeId > 2) {
      return null;
    }
    TgtHllType type = TgtHllType.values()[typeId];
    if (mode == MODE_LIST && b[0] == LIST_PREINTS) {
      int n = b[6] & 0xff;
      if (n >= LIST_SIZE || b.length != 8 + 4 * n) {
        return null;
      }
      int[] arr = new int[LIST_SIZE];
      for (int i = 0; i < n; i++) {
        int c = intAt(b, 8 + 4 * i);
        // heapifyList keeps zeros and duplicates as they are; DataSketches, not this, handles them.
        if (c == 0) {
          return null;
        }
        for (int j = 0; j < i; j++) {
          if (arr[j] == c) {
            return null;
          }
        }
        arr[i] = c;
      }
      return new Coupons(lgK, type, true, 3, n, arr);
    }
    if (mode == MODE_SET && b[0] == SET_PREINTS && (b[5] & COMPACT_FLAG) != 0 && b.length >= 12) {
      long n = intAt(b, 8) & 0xffffffffL;
      if (b.length != 12 + 4 * n) {
        return null;
      }
      // heapifySet of a compact image: inserted one by one into a set of 32, grown as it fills.
      Coupons s = new Coupons(lgK, type, false, LG_INIT_SET, 0, new int[1 << LG_INIT_SET]);
      for (int i = 0; i < n; i++) {
        int c = intAt(b, 12 + 4 * i);
        if (c == 0 || !s.update(c)) {
          return null; // a zero, or more than a set holds: DataSketches' own (odd) behaviour
        }
      }
      return s;
    }
    return null;
  }

  /** A copy of another type (the array copied: the copy may be updated). */
  Coupons copyAs(TgtHllType t) {
    return new Coupons(lgK, t, list, lgArr, count, arr.clone());
  }

  /** This sketch as another type, sharing the array (for a result nothing updates any more). */
  Coupons as(TgtHllType t) {
    return t == type ? this : new Coupons(lgK, t, list, lgArr, count, arr);
  }

  /**
   * Adds a coupon as {@code couponUpdate} does; false, changing nothing, if DataSketches would
   * promote the sketch to HLL mode with it (the caller hands the rest to DataSketches).
   */
  boolean update(int coupon) {
    if (list) {
      for (int i = 0; i < LIST_SIZE; i++) {
        int at = arr[i];
        if (at == 0) {
          arr[i] = coupon;
          if (++count >= LIST_SIZE) {
            promoteToSet();
          }
          return true;
        }
        if (at == coupon) {
          return true;
        }
      }
      throw new IllegalStateException("a full list");
    }
    int index = find(arr, lgArr, coupon);
    if (index >= 0) {
      return true;
    }
    if (4 * (count + 1) > 3 * (1 << lgArr) && lgArr == lgK - 3) {
      return false;
    }
    arr[~index] = coupon;
    count++;
    if (4 * count > 3 * (1 << lgArr)) {
      grow();
    }
    return true;
  }

  private void promoteToSet() {
    int[] old = arr;
    list = false;
    lgArr = LG_INIT_SET;
    arr = new int[1 << LG_INIT_SET];
    int n = count;
    count = 0;
    for (int i = 0; i < n; i++) {
      update(old[i]); // a new set of 32 holds 8 without growing
    }
  }

  private void grow() {
    int[] old = arr;
    lgArr++;
    arr = new int[1 << lgArr];
    for (int c : old) {
      if (c != 0) {
        arr[~find(arr, lgArr, c)] = c;
      }
    }
  }

  // AbstractCoupons.find: open addressing with a stride from the coupon's upper key bits.
  static int find(int[] array, int lgArrInts, int coupon) {
    int mask = array.length - 1;
    int probe = coupon & mask;
    int loop = probe;
    do {
      int at = array[probe];
      if (at == 0) {
        return ~probe;
      }
      if (at == coupon) {
        return probe;
      }
      int stride = ((coupon & KEY_MASK_26) >>> lgArrInts) | 1;
      probe = (probe + stride) & mask;
    } while (probe != loop);
    throw new IllegalStateException("a full coupon set");
  }

  /** The compact image {@code toCompactByteArray} writes: coupons in array order, empties skipped. */
  byte[] compact() {
    int start = list ? 8 : 12;
    byte[] b = new byte[start + 4 * count];
    preamble(b, true);
    int w = start;
    for (int c : arr) {
      if (c != 0) {
        putInt(b, w, c);
        w += 4;
      }
    }
    return b;
  }

  /** The same sketch as a DataSketches object, in the same layout. */
  HllSketch toHll() {
    return HllSketch.heapify(updatable());
  }

  /**
   * The updatable image {@code toUpdatableByteArray} writes: the array as it is, which {@code
   * heapify} copies as it is (a compact image it would insert again, maybe in another layout).
   */
  byte[] updatable() {
    int start = list ? 8 : 12;
    int ints = list ? count : arr.length;
    byte[] b = new byte[start + 4 * ints];
    preamble(b, false);
    for (int i = 0; i < ints; i++) {
      putInt(b, start + 4 * i, arr[i]);
    }
    return b;
  }

  private void preamble(byte[] b, boolean compact) {
    b[0] = (byte) (list ? LIST_PREINTS : SET_PREINTS);
    b[1] = SERIAL_VERSION;
    b[2] = FAMILY;
    b[3] = (byte) lgK;
    b[4] = (byte) lgArr;
    b[5] = (byte) ((count == 0 ? EMPTY_FLAG : 0) | (compact ? COMPACT_FLAG : 0));
    b[7] = (byte) ((list ? MODE_LIST : MODE_SET) | type.ordinal() << 2);
    if (list) {
      b[6] = (byte) count;
    } else {
      putInt(b, 8, count);
    }
  }

  /** DataSketches' estimate, rounded: for a coupon sketch a function of its count alone. */
  long estimate() {
    int n = count;
    if (n < ROUNDED.length()) {
      long e = ROUNDED.get(n);
      if (e == 0 && n > 0) {
        e = estimateOf(n);
        ROUNDED.set(n, e);
      }
      return e;
    }
    return estimateOf(n);
  }

  /** DataSketches' estimate of a coupon sketch of {@code n} coupons, unrounded (a union's HIP start at promotion). */
  static double estimateDouble(int n) {
    if (n < EXACT.length()) {
      long bits = EXACT.get(n);
      if (bits == 0) {
        bits = Double.doubleToRawLongBits(computeEstimate(n));
        EXACT.set(n, bits);
      }
      return Double.longBitsToDouble(bits);
    }
    return computeEstimate(n);
  }

  private static double computeEstimate(int n) {
    // An updatable SET image of that count (its array's content does not enter the estimate).
    int lg = LG_INIT_SET;
    while (4 * n > 3 * (1 << lg)) {
      lg++;
    }
    return new Coupons(Sketches.MAX_LG_K, TgtHllType.HLL_4, false, lg, n, new int[1 << lg]).toHll().getEstimate();
  }

  private static long estimateOf(int n) {
    return Math.round(estimateDouble(n));
  }

  private static int intAt(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }
}
