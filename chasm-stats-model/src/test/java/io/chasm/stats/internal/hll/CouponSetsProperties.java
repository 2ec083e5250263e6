package io.chasm.stats.internal.hll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * A dense coupon set gives the figure DataSketches gives a sketch fed the same values, however the
 * coupons arrive (sorted runs, one at a time, both, repeated), across the change from coupons to
 * registers and with registers of 15 and more (the nibbles' exceptions); and it is smaller than
 * the sketch.
 */
class CouponSetsProperties {
  // Values whose coupon has a register value of 15 or more: about one value in 16,384, so random
  // values alone would rarely reach the exception list.
  private static final long[] HIGH = high(200);

  @Property(tries = 300)
  void estimateIsDataSketchesFigure(@ForAll @IntRange(min = 0, max = 20_000) int n,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed, @ForAll boolean small,
      @ForAll @IntRange(min = 0, max = 3) int feed, @ForAll boolean high) {
    Random rnd = new Random(seed);
    // Sizes around the modes' edges (7/8 and 384/385 coupons) half of the time.
    int size = small ? n % 400 : n;
    long[] values = CouponImagesProperties.values(rnd, size);
    if (high) {
      for (int i = 0; i < values.length; i += 1 + rnd.nextInt(50)) {
        values[i] = HIGH[rnd.nextInt(HIGH.length)];
      }
    }
    CouponSets sets = new CouponSets();
    int other = sets.create(); // a neighbour that must not be disturbed
    int set = sets.create();
    sets.add(other, CouponImages.coupon(42));
    HllSketch ds = new HllSketch(CouponImages.LG_K, TgtHllType.HLL_4);
    int i = 0;
    while (i < values.length) {
      int m = 1 + rnd.nextInt(feed == 3 ? 2000 : 200);
      int to = Math.min(values.length, i + m);
      boolean one = feed == 1 || (feed == 2 && rnd.nextBoolean());
      if (one) {
        for (int j = i; j < to; j++) {
          sets.add(set, CouponImages.coupon(values[j]));
        }
      } else {
        long[] run = sortedDistinct(values, i, to, rnd);
        sets.addSorted(set, run, 1, run.length - 1); // a pad on each side must be left alone
      }
      for (int j = i; j < to; j++) {
        ds.update(values[j]);
      }
      i = to;
    }
    assertThat(sets.isEmpty(set)).isEqualTo(ds.isEmpty());
    assertThat(sets.estimate(set)).isEqualTo(Math.round(ds.getCompositeEstimate()));
    assertThat(sets.estimate(other)).isEqualTo(1);
    if (!ds.isEmpty() && !high) {
      // Smaller than the sketch's heap (its serialised updatable form is a lower bound of it).
      assertThat(sets.bytes()).isLessThan(ds.toUpdatableByteArray().length + 16L + 16 + 4);
    }
  }

  @Property(tries = 50)
  void aReleasedSetIsEmptyAndItsNumberReused(@ForAll @IntRange(min = 1, max = 3000) int n,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    CouponSets sets = new CouponSets();
    int a = sets.create();
    for (long v : CouponImagesProperties.values(rnd, n)) {
      sets.add(a, CouponImages.coupon(v));
    }
    assertThat(sets.estimate(a)).isPositive();
    sets.release(a);
    assertThat(sets.size()).isZero();
    int b = sets.create();
    assertThat(b).isEqualTo(a);
    assertThat(sets.isEmpty(b)).isTrue();
    assertThat(sets.estimate(b)).isZero();
    sets.add(b, CouponImages.coupon(7));
    assertThat(sets.estimate(b)).isEqualTo(1);
  }

  @Example
  void aSmallSetTakesItsCouponsAndAHeaderOnly() {
    CouponSets sets = new CouponSets();
    int s = sets.create();
    for (int v = 0; v < 100; v++) {
      sets.add(s, CouponImages.coupon(v));
    }
    assertThat(sets.bytes()).isEqualTo(16 + 4 * 100);
  }

  // The coupons of values[from .. to) sorted as unsigned ints and distinct, with a random pad
  // before and after (the range given to addSorted excludes them).
  private static long[] sortedDistinct(long[] values, int from, int to, Random rnd) {
    int[] c = new int[to - from];
    for (int i = from; i < to; i++) {
      c[i - from] = CouponImages.coupon(values[i]);
    }
    long[] u = Arrays.stream(c).mapToLong(x -> x & 0xffffffffL).sorted().distinct().toArray();
    long[] out = new long[u.length + 2];
    out[0] = rnd.nextLong();
    System.arraycopy(u, 0, out, 1, u.length);
    out[out.length - 1] = rnd.nextLong();
    // Packed as a delta's pairs are: a row in the high bits, which the sets ignore.
    for (int i = 1; i < out.length - 1; i++) {
      out[i] = CouponImages.pack(3, (int) out[i]);
    }
    return out;
  }

  private static long[] high(int n) {
    List<Long> l = new ArrayList<>();
    Random rnd = new Random(15);
    while (l.size() < n) {
      long v = rnd.nextLong();
      if (CouponImages.coupon(v) >>> CouponImages.KEY_BITS >= 15) {
        l.add(v);
      }
    }
    return l.stream().mapToLong(Long::longValue).toArray();
  }
}
