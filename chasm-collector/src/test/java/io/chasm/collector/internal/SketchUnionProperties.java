package io.chasm.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * {@link Sketch} unites as DataSketches does: for the same images in the same order, the result of
 * {@code new Union(largest lgK)} (what {@link Sketches#unite}/{@link Sketches#uniteForMore} do on
 * heapified sketches, the collector's code before w8-C) has the same bytes (in every mode, so in
 * LIST and SET mode the same coupon layout), estimate, bounds and composite estimate. Inputs: 0 to
 * 20,000 values per sketch from a shared pool (so unions overlap), lgK 10 to 14, HLL_4/6/8, compact
 * and sometimes updatable images, mixed modes in one union.
 */
class SketchUnionProperties {
  private static final TgtHllType[] TYPES = TgtHllType.values();

  @Property(tries = 300)
  void unionIsDataSketchesUnion(@ForAll @IntRange(min = 1, max = 7) int parts,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed, @ForAll boolean toHll8) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long[] pool = pool(rnd);
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      images.add(image(rnd, pool));
    }
    TgtHllType type = toHll8 ? TgtHllType.HLL_8 : TgtHllType.HLL_4;
    HllSketch theirs = reference(images, type);
    Sketch mine = Sketch.unite(mineOf(images), type);
    same(mine, theirs);
  }

  /** RollupWriter's shape: per-type unions, their union, united with a stored sketch, then HLL_4. */
  @Property(tries = 150)
  void rollMirrorShapeIsTheSame(@ForAll @IntRange(min = 1, max = 4) int types,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed, @ForAll boolean stored) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long[] pool = pool(rnd);
    List<HllSketch> theirTypes = new ArrayList<>();
    List<Sketch> myTypes = new ArrayList<>();
    for (int t = 0; t < types; t++) {
      List<byte[]> images = new ArrayList<>();
      for (int i = rnd.nextInt(1, 30); i > 0; i--) {
        images.add(small(rnd, pool));
      }
      HllSketch u = reference(images, TgtHllType.HLL_8);
      theirTypes.add(u);
      Sketch m = Sketch.unite(mineOf(images), TgtHllType.HLL_8);
      same(m, u);
      myTypes.add(m);
    }
    HllSketch theirAll = Sketches.uniteForMore(theirTypes);
    Sketch myAll = Sketch.unite(myTypes, TgtHllType.HLL_8);
    same(myAll, theirAll);
    if (stored) {
      byte[] before = image(rnd, pool);
      theirAll = Sketches.uniteForMore(List.of(HllSketch.heapify(before), theirAll));
      myAll = Sketch.unite(List.of(Sketch.of(before), myAll), TgtHllType.HLL_8);
    }
    same(myAll.asStored(), Sketches.asStored(theirAll));
  }

  /**
   * A stored union kept parsed by the roller's memory ({@link StoredUnions}) where {@link
   * Sketch#reusableFor} says so is, united with any later sketch and estimated, its image parsed.
   */
  @Property(tries = 200)
  void aReusableSketchIsItsImageParsed(@ForAll @IntRange(min = 1, max = 40) int parts,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long[] pool = pool(rnd);
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      images.add(rnd.nextInt(5) == 0 ? image(rnd, pool) : small(rnd, pool));
    }
    Sketch stored = Sketch.unite(mineOf(images), rnd.nextBoolean() ? TgtHllType.HLL_8 : TgtHllType.HLL_4).asStored();
    byte[] image = stored.bytes();
    Sketch kept = stored.reusableFor(image) ? stored : Sketch.of(image);
    Sketch parsed = Sketch.of(image);
    assertThat(kept.estimate()).isEqualTo(parsed.estimate());
    assertThat(kept.bytes()).isEqualTo(parsed.bytes());
    byte[] later = rnd.nextBoolean() ? small(rnd, pool) : image(rnd, pool);
    for (TgtHllType t : new TgtHllType[] {TgtHllType.HLL_4, TgtHllType.HLL_8}) {
      Sketch a = Sketch.unite(List.of(kept, Sketch.of(later)), t).asStored();
      Sketch b = Sketch.unite(List.of(parsed, Sketch.of(later)), t).asStored();
      assertThat(a.bytes()).isEqualTo(b.bytes());
      assertThat(a.estimate()).isEqualTo(b.estimate());
    }
  }

  @Property(tries = 500)
  void parseIsHeapify(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] b = image(rnd, pool(rnd));
    same(Sketch.of(b), HllSketch.heapify(b));
  }

  /** The ingest check accepts what Sketches.parse accepted, and parses it the same. */
  @Property(tries = 1000)
  void checkedAcceptsWhatParseAccepts(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] b = small(rnd, pool(rnd));
    switch (rnd.nextInt(4)) {
      case 0 -> b[rnd.nextInt(Math.min(b.length, 12))] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> b = Arrays.copyOf(b, Math.max(0, b.length + rnd.nextInt(-5, 5)));
      case 2 -> b[rnd.nextInt(b.length)] = 0;
      default -> { }
    }
    // DataSketches' own asserts (tests run with -ea) refuse some images too: the same on both sides.
    HllSketch theirs;
    try {
      theirs = Sketches.parse(b);
    } catch (IllegalArgumentException | AssertionError e) {
      theirs = null;
    }
    Sketch mine;
    try {
      mine = Sketch.checked(b);
    } catch (IllegalArgumentException | AssertionError e) {
      mine = null;
    }
    assertThat(mine == null).as("accepted by one only").isEqualTo(theirs == null);
    if (mine != null) {
      // A damaged image DataSketches accepted may not write back: then neither does this one.
      HllSketch t = theirs;
      Sketch m = mine;
      assertThat(outcome(m::bytes)).isEqualTo(outcome(t::toCompactByteArray));
      assertThat(outcome(() -> m.hll().getEstimate())).isEqualTo(outcome(t::getEstimate));
    }
  }

  private static Object outcome(java.util.function.Supplier<?> f) {
    try {
      Object o = f.get();
      return o instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : o;
    } catch (RuntimeException | AssertionError e) {
      return e.getClass();
    }
  }

  private static void same(Sketch mine, HllSketch theirs) {
    if (theirs == null) {
      assertThat(mine).isNull();
      return;
    }
    assertThat(mine.bytes()).isEqualTo(theirs.toCompactByteArray());
    assertThat(mine.estimate()).isEqualTo(Math.round(theirs.getEstimate()));
    HllSketch h = mine.hll();
    assertThat(h.getEstimate()).isEqualTo(theirs.getEstimate());
    assertThat(h.getCompositeEstimate()).isEqualTo(theirs.getCompositeEstimate());
    for (int d = 1; d <= 3; d++) {
      assertThat(h.getLowerBound(d)).isEqualTo(theirs.getLowerBound(d));
      assertThat(h.getUpperBound(d)).isEqualTo(theirs.getUpperBound(d));
    }
    assertThat(h.getTgtHllType()).isEqualTo(theirs.getTgtHllType());
  }

  /** The collector's code before: heapify each, then Sketches.unite (HLL_4) or uniteForMore (HLL_8). */
  private static HllSketch reference(List<byte[]> images, TgtHllType type) {
    List<HllSketch> parsed = new ArrayList<>();
    for (byte[] b : images) {
      parsed.add(HllSketch.heapify(b));
    }
    return type == TgtHllType.HLL_8 ? Sketches.uniteForMore(parsed) : Sketches.unite(parsed);
  }

  private static List<Sketch> mineOf(List<byte[]> images) {
    List<Sketch> out = new ArrayList<>();
    for (byte[] b : images) {
      out.add(Sketch.of(b));
    }
    return out;
  }

  private static long[] pool(SplittableRandom rnd) {
    long[] pool = new long[rnd.nextInt(1, 30_000)];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = rnd.nextLong();
    }
    return pool;
  }

  /** 0 to 20,000 values, half the time under 600 (where LIST becomes SET and SET becomes HLL). */
  private static byte[] image(SplittableRandom rnd, long[] pool) {
    int n = rnd.nextBoolean() ? rnd.nextInt(600) : rnd.nextInt(20_001);
    int lgK = rnd.nextInt(4) == 0 ? rnd.nextInt(10, 15) : 12;
    return image(rnd, pool, n, lgK);
  }

  /** What the roller mostly sees: a row's 0 to 60 downloaders at lgK 12. */
  private static byte[] small(SplittableRandom rnd, long[] pool) {
    return image(rnd, pool, rnd.nextInt(61), 12);
  }

  private static byte[] image(SplittableRandom rnd, long[] pool, int n, int lgK) {
    HllSketch s = new HllSketch(lgK, TYPES[rnd.nextInt(TYPES.length)]);
    for (int i = 0; i < n; i++) {
      s.update(pool[rnd.nextInt(pool.length)]);
    }
    return rnd.nextInt(8) == 0 ? s.toUpdatableByteArray() : s.toCompactByteArray();
  }
}
