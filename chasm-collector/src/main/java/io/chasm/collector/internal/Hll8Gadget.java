package io.chasm.collector.internal;

/**
 * A union's gadget once coupons alone have made it HLL: DataSketches' {@code Hll8Array} as {@code
 * CouponList.promoteHeapListOrSetToHll} makes it from the full set and as {@code couponUpdate}
 * updates it in order, its HIP accumulator and KxQ registers computed in the same order with the
 * same operations, so that the sketch heapified from {@link #image} is bit for bit the one {@code
 * Union} holds (checked against it by {@code SketchUnionProperties}).
 */
final class Hll8Gadget {
  private static final int HLL_START = 40;

  private final int lgK;
  private final byte[] registers;
  private double hip;
  private double kxq0;
  private double kxq1;
  private int zeros;

  /** The gadget {@code set} becomes when {@code crossing} is added to it (the set is left as it was). */
  Hll8Gadget(Coupons set, int crossing) {
    lgK = set.lgK;
    int k = 1 << lgK;
    registers = new byte[k];
    kxq0 = k;
    zeros = k;
    int[] a = set.arr.clone();
    a[~Coupons.find(a, set.lgArr, crossing)] = crossing;
    for (int c : a) {
      if (c != 0) {
        update(c);
      }
    }
    // Promotion then sets the HIP accumulator to the set's own estimate (its count with the crossing coupon).
    hip = Coupons.estimateDouble(set.count + 1);
  }

  /** {@code Hll8Array.couponUpdate}: the slot's register raised, HIP and KxQ updated incrementally. */
  void update(int coupon) {
    int slot = coupon & ((1 << lgK) - 1);
    int v = coupon >>> 26;
    int old = registers[slot];
    if (v > old) {
      registers[slot] = (byte) v;
      hip += (1 << lgK) / (kxq0 + kxq1);
      if (old < 32) {
        kxq0 -= invPow2(old);
      } else {
        kxq1 -= invPow2(old);
      }
      if (v < 32) {
        kxq0 += invPow2(v);
      } else {
        kxq1 += invPow2(v);
      }
      if (old == 0) {
        zeros--;
      }
    }
  }

  // DataSketches' Util.invPow2: 2^-e exactly.
  private static double invPow2(int e) {
    return Double.longBitsToDouble(1023L - e << 52);
  }

  /** An HLL_8 image of this state (in order, curMin 0), which {@code HllSketch.heapify} reads back as it is. */
  byte[] image() {
    byte[] b = new byte[HLL_START + registers.length];
    b[0] = 10;
    b[1] = 1;
    b[2] = 7;
    b[3] = (byte) lgK;
    b[7] = 2 | 2 << 2; // HLL mode, HLL_8
    putLong(b, 8, Double.doubleToRawLongBits(hip));
    putLong(b, 16, Double.doubleToRawLongBits(kxq0));
    putLong(b, 24, Double.doubleToRawLongBits(kxq1));
    putLong(b, 32, zeros & 0xffffffffL); // numAtCurMin, then an aux count of 0
    System.arraycopy(registers, 0, b, HLL_START, registers.length);
    return b;
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> 8 * i);
    }
  }
}
