package io.chasm.collector.internal;

import java.util.List;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * A parsed unique-downloader sketch as the roller unites it: its coupons ({@link Coupons}) while it
 * is in LIST or SET mode, a DataSketches {@code HllSketch} otherwise. {@link #unite} gives the
 * sketch, bytes and estimate {@code Union} would (same order of inserts, same layout), with the
 * coupon modes done on int arrays and DataSketches taking over, from the exact same state, once a
 * union reaches HLL mode.
 */
public final class Sketch {
  private final Coupons coupons;
  private final HllSketch hll;

  private Sketch(Coupons coupons, HllSketch hll) {
    this.coupons = coupons;
    this.hll = hll;
  }

  /** Stored or submitted bytes parsed (null or empty: null), as {@code HllSketch.heapify} would hold them. */
  public static Sketch of(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    Coupons c = Coupons.parse(bytes);
    return c != null ? new Sketch(c, null) : new Sketch(null, HllSketch.heapify(bytes));
  }

  /**
   * A submitted sketch, checked: what {@link Sketches#parse} accepts.
   *
   * @throws IllegalArgumentException if the bytes are not an HLL sketch or its lgK is too large
   */
  public static Sketch checked(byte[] bytes) {
    Coupons c = Coupons.parse(bytes);
    return c != null ? new Sketch(c, null) : new Sketch(null, Sketches.parse(bytes));
  }

  public int lgK() {
    return coupons != null ? coupons.lgK : hll.getLgConfigK();
  }

  /** The estimate rounded to a whole number of downloaders. */
  public long estimate() {
    return coupons != null ? coupons.estimate() : Math.round(hll.getEstimate());
  }

  /** The compact image ({@code toCompactByteArray}). */
  public byte[] bytes() {
    return coupons != null ? coupons.compact() : hll.toCompactByteArray();
  }

  /** As a DataSketches object (a copy in the same layout for coupons). */
  public HllSketch hll() {
    return coupons != null ? coupons.toHll() : hll;
  }

  /** In the form the collector stores, HLL_4 (as {@link Sketches#asStored}). */
  public Sketch asStored() {
    if (coupons != null) {
      return coupons.type == TgtHllType.HLL_4 ? this : new Sketch(coupons.as(TgtHllType.HLL_4), null);
    }
    return hll.getTgtHllType() == TgtHllType.HLL_4 ? this : new Sketch(null, hll.copyAs(TgtHllType.HLL_4));
  }

  /**
   * Whether a later roll may use this sketch in place of parsing {@code written}, its own image as
   * stored: yes where parsing the image gives one that unites and estimates the same (an HLL image
   * without HLL_4's exception table); no for a LIST or SET (a parse may lay its coupons out anew)
   * and an HLL_4 with exceptions (whose table a parse may rebuild in another order).
   */
  boolean reusableFor(byte[] written) {
    // The image's mode bits (DataSketches keeps the mode package-private): 2 is HLL.
    return hll != null && written.length > 7 && (written[7] & 3) == 2
        && (hll.getTgtHllType() != TgtHllType.HLL_4 || written.length == 40 + (1 << (lgK() - 1)));
  }

  /** Bytes this sketch holds on the heap, roughly (a bound for {@link StoredUnions}). */
  long footprint() {
    if (coupons != null) {
      return 64 + 4L * coupons.arr.length;
    }
    int k = 1 << hll.getLgConfigK();
    return 128 + (hll.getTgtHllType() == TgtHllType.HLL_4 ? k / 2 + 64 : k);
  }

  private boolean isEmpty() {
    return coupons != null ? coupons.count == 0 : hll.isEmpty();
  }

  /** Null-safe {@link #estimate()}: 0 for none. */
  public static long estimate(Sketch s) {
    return s == null ? 0 : s.estimate();
  }

  /** Null-safe {@link #bytes()}. */
  public static byte[] bytes(Sketch s) {
    return s == null ? null : s.bytes();
  }

  /**
   * What {@link Sketches#unite}/{@link Sketches#uniteForMore} return for the same sketches: null
   * for none, the one sketch itself for one, else {@code new Union(largest lgK)} updated with each
   * in turn and its result as {@code type}.
   */
  public static Sketch unite(List<Sketch> parts, TgtHllType type) {
    if (parts.isEmpty()) {
      return null;
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int lgK = 4;
    for (Sketch s : parts) {
      lgK = Math.max(lgK, s.lgK());
    }
    if (lgK < 8) {
      // A gadget of lgK below 8 goes from LIST straight to HLL: not worth copying.
      return finish(new Union(lgK), parts, 0, type);
    }
    // The union's gadget while it is a LIST or SET (Union's own starts as an empty LIST, HLL_8),
    // then, once coupons alone make it HLL, as DataSketches' HLL_8 array updated in order.
    Coupons g = Coupons.emptyList(lgK, TgtHllType.HLL_8);
    Hll8Gadget h = null;
    for (int i = 0; i < parts.size(); i++) {
      Sketch s = parts.get(i);
      if (s.isEmpty()) {
        continue;
      }
      if (s.coupons == null) {
        // An HLL-mode source: DataSketches from here, on a union holding what the gadget holds.
        return finish(h != null ? Union.heapify(h.image()) : gadget(g), parts, i, type);
      }
      Coupons c = s.coupons;
      if (h == null && !c.list && g.count == 0 && c.lgK == lgK) {
        g = c.copyAs(TgtHllType.HLL_8); // Union copies a SET into an empty gadget of its lgK
        continue;
      }
      int[] a = c.arr;
      int n = c.list ? c.count : a.length;
      for (int j = 0; j < n; j++) {
        int x = a[j];
        if (x == 0) {
          continue;
        }
        if (h != null) {
          h.update(x);
        } else if (!g.update(x)) {
          h = new Hll8Gadget(g, x); // x makes the gadget HLL
        }
      }
    }
    if (h != null) {
      HllSketch r = HllSketch.heapify(h.image());
      return new Sketch(null, type == TgtHllType.HLL_8 ? r : r.copyAs(type));
    }
    return new Sketch(g.as(type), null);
  }

  /** A union whose gadget is {@code g} (Union.heapify copies a SET image's array, replays a LIST's coupons in order). */
  private static Union gadget(Coupons g) {
    return g.count == 0 ? new Union(g.lgK) : Union.heapify(g.updatable());
  }

  private static Sketch finish(Union u, List<Sketch> parts, int from, TgtHllType type) {
    for (int k = from; k < parts.size(); k++) {
      u.update(parts.get(k).hll());
    }
    return new Sketch(null, u.getResult(type));
  }
}
