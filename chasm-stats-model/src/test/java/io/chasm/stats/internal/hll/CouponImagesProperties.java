package io.chasm.stats.internal.hll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The images written from coupons are the sketches DataSketches builds from the same values: same
 * mode, coupons or registers, estimate and bounds, and the same unions with other sketches.
 */
class CouponImagesProperties {
  private static final int MAX_STD_DEV = 3;
  // The current mode in the serialised preamble (DataSketches keeps it package-private).
  private static final int LIST = 0, SET = 1, HLL = 2;

  private static int mode(HllSketch s) {
    return s.toCompactByteArray()[7] & 3;
  }

  @Property(tries = 2000)
  void couponIsWhatUpdateAdds(@ForAll long value) {
    HllSketch s = new HllSketch(CouponImages.LG_K, TgtHllType.HLL_4);
    s.update(value);
    byte[] b = s.toCompactByteArray();
    assertThat(intAt(b, 8)).isEqualTo(CouponImages.coupon(value)).isNotZero();
    assertThat(CouponImages.image(new long[] {CouponImages.coupon(value)}, 0, 1)).isEqualTo(b);
  }

  @Property(tries = 300)
  void imageIsTheSketchOfTheValues(@ForAll @IntRange(min = 0, max = 20_000) int n,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed, @ForAll boolean small) {
    // Small sizes are where the modes change (7/8 coupons, 384/385); duplicates come from a pool.
    int size = small ? n % 400 : n;
    long[] values = values(new Random(seed), size);
    byte[] image = imageOf(values);
    HllSketch ds = sketchInCouponOrder(values, TgtHllType.HLL_4);
    if (image == null) {
      assertThat(ds.isEmpty()).isTrue();
      return;
    }
    HllSketch mine = HllSketch.heapify(image);
    assertThat(mine.getTgtHllType()).isEqualTo(TgtHllType.HLL_4);
    assertThat(mode(mine)).isEqualTo(mode(ds));
    byte[] theirs = ds.toCompactByteArray();
    if (mode(ds) == LIST) {
      assertThat(image).isEqualTo(theirs);
    } else if (mode(ds) == SET) {
      assertThat(Arrays.copyOf(image, 12)).isEqualTo(Arrays.copyOf(theirs, 12));
      assertThat(sortedInts(image, 12)).isEqualTo(sortedInts(theirs, 12));
    }
    if (mode(ds) == HLL) {
      // Written as a union's result (out of order): the composite estimate, same registers.
      assertThat(mine.getEstimate()).isEqualTo(ds.getCompositeEstimate());
      assertThat(registers(mine)).isEqualTo(registers(ds));
    } else {
      assertThat(mine.getEstimate()).isEqualTo(ds.getEstimate());
      for (int d = 1; d <= MAX_STD_DEV; d++) {
        assertThat(mine.getLowerBound(d)).isEqualTo(ds.getLowerBound(d));
        assertThat(mine.getUpperBound(d)).isEqualTo(ds.getUpperBound(d));
      }
    }
    assertThat(mine.getCompositeEstimate()).isEqualTo(ds.getCompositeEstimate());
  }

  @Property(tries = 200)
  void unionsAreTheSame(@ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @IntRange(min = 0, max = 3000) int m,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed, @ForAll boolean bothMine) {
    Random rnd = new Random(seed);
    long[] a = values(rnd, n);
    long[] b = values(rnd, m);
    Union ours = new Union(CouponImages.LG_K);
    Union theirs = new Union(CouponImages.LG_K);
    byte[] ia = imageOf(a);
    if (ia != null) {
      ours.update(HllSketch.heapify(ia));
    }
    theirs.update(sketchInCouponOrder(a, TgtHllType.HLL_8));
    byte[] ib = imageOf(b);
    if (bothMine && ib != null) {
      ours.update(HllSketch.heapify(ib));
    } else if (!bothMine) {
      ours.update(sketchInCouponOrder(b, TgtHllType.HLL_4));
    }
    theirs.update(sketchInCouponOrder(b, TgtHllType.HLL_8));
    HllSketch x = ours.getResult(TgtHllType.HLL_4);
    HllSketch y = theirs.getResult(TgtHllType.HLL_4);
    assertThat(mode(x)).isEqualTo(mode(y));
    assertThat(x.getCompositeEstimate()).isEqualTo(y.getCompositeEstimate());
    if (mode(x) == HLL) {
      assertThat(registers(x)).isEqualTo(registers(y));
    } else {
      assertThat(x.getEstimate()).isEqualTo(y.getEstimate());
      assertThat(x.getUpperBound(2)).isEqualTo(y.getUpperBound(2));
    }
  }

  @Property(tries = 200)
  void groupByRowKeepsEachPairOnceInOrder(@ForAll @IntRange(min = 0, max = 5000) int n,
      @ForAll @IntRange(min = 1, max = 60) int rows,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random rnd = new Random(seed);
    long[] p = new long[n + rnd.nextInt(3)]; // spare room past n is ignored
    for (int i = 0; i < p.length; i++) {
      p[i] = CouponImages.pack(rnd.nextInt(rows), CouponImages.coupon(rnd.nextInt(200)));
    }
    long[] expected = Arrays.stream(p, 0, n).distinct().sorted().toArray();
    int[] end = new int[rows];
    long[] grouped = CouponImages.groupByRow(p.clone(), n, rows, end);
    assertThat(Arrays.copyOf(grouped, end[rows - 1])).isEqualTo(expected);
    for (int r = 0; r < rows; r++) {
      for (int i = r == 0 ? 0 : end[r - 1]; i < end[r]; i++) {
        assertThat(CouponImages.row(grouped[i])).isEqualTo(r);
      }
    }
  }

  // The hand-over's form (w7-A): arrays read in place, pairs of some also counted for another
  // row, must group exactly as one array holding every pair and its copy.
  @Property(tries = 200)
  void groupByRowOfParts_isTheGroupingOfAllPairsAndTheirCopies(
      @ForAll @IntRange(min = 0, max = 4) int partCount, @ForAll @IntRange(min = 2, max = 60) int rows,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random rnd = new Random(seed);
    int[] also = new int[rows];
    for (int r = 0; r < rows; r++) {
      also[r] = r < rows / 2 ? rows / 2 + rnd.nextInt(rows - rows / 2) : -1; // first half "HOUR"
    }
    long[][] parts = new long[partCount][];
    int[] sizes = new int[partCount];
    boolean[] alsoTo = new boolean[partCount];
    List<Long> all = new ArrayList<>();
    for (int k = 0; k < partCount; k++) {
      alsoTo[k] = rnd.nextBoolean();
      sizes[k] = rnd.nextInt(2000);
      parts[k] = new long[sizes[k] + rnd.nextInt(3)];
      for (int i = 0; i < parts[k].length; i++) {
        int r = alsoTo[k] ? rnd.nextInt(rows / 2) : rnd.nextInt(rows);
        parts[k][i] = CouponImages.pack(r, CouponImages.coupon(rnd.nextInt(300)));
        if (i < sizes[k]) {
          all.add(parts[k][i]);
          if (alsoTo[k]) {
            all.add(CouponImages.pack(also[r], (int) parts[k][i]));
          }
        }
      }
    }
    long[] one = all.stream().mapToLong(Long::longValue).toArray();
    int[] endOne = new int[rows], endParts = new int[rows];
    long[] expected = CouponImages.groupByRow(one, one.length, rows, endOne);
    long[] got = CouponImages.groupByRow(parts, sizes, alsoTo, also, rows, endParts);
    assertThat(endParts).isEqualTo(endOne);
    assertThat(Arrays.copyOf(got, endParts[rows - 1])).isEqualTo(Arrays.copyOf(expected, endOne[rows - 1]));
  }

  @Example
  void groupByRowOfParts_refusesAPairWithNoRowToAlsoCountFor() {
    long[][] parts = {{CouponImages.pack(1, CouponImages.coupon(7))}};
    assertThatThrownBy(() -> CouponImages.groupByRow(parts, new int[] {1}, new boolean[] {true},
        new int[] {0, -1}, 2, new int[2])).isInstanceOf(IllegalArgumentException.class);
  }

  // Values with duplicates (drawn from a pool about as large as the count).
  static long[] values(Random rnd, int n) {
    long[] pool = new long[Math.max(1, n)];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = rnd.nextLong();
    }
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = pool[rnd.nextInt(pool.length)];
    }
    return v;
  }

  static byte[] imageOf(long[] values) {
    long[] p = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      p[i] = CouponImages.pack(0, CouponImages.coupon(values[i]));
    }
    int[] end = new int[1];
    return CouponImages.image(CouponImages.groupByRow(p, p.length, 1, end), 0, end[0]);
  }

  // The values fed in the order of their coupons, as the image lists them.
  private static HllSketch sketchInCouponOrder(long[] values, TgtHllType type) {
    Map<Integer, Long> byCoupon = new LinkedHashMap<>();
    for (long v : values) {
      byCoupon.putIfAbsent(CouponImages.coupon(v), v);
    }
    HllSketch s = new HllSketch(CouponImages.LG_K, type);
    byCoupon.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> s.update(e.getValue()));
    return s;
  }

  private static byte[] registers(HllSketch s) {
    byte[] b = s.copyAs(TgtHllType.HLL_8).toCompactByteArray();
    return Arrays.copyOfRange(b, 40, b.length);
  }

  private static int[] sortedInts(byte[] b, int from) {
    int[] v = new int[(b.length - from) / 4];
    ByteBuffer.wrap(b, from, b.length - from).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
    Arrays.sort(v);
    return v;
  }

  private static int intAt(byte[] b, int at) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
  }
}
