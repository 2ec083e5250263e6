package io.chasm.collector.internal;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Unique-downloader sketches (Apache DataSketches HLL) as stored by the collector: merged with a
 * union at the larger of the inputs' lgK, stored compact as HLL_4.
 */
public final class Sketches {
  /** Largest lgK accepted from a mirror (DataSketches' own maximum). */
  public static final int MAX_LG_K = 21;

  private Sketches() {}

  /**
   * Parses a submitted sketch.
   *
   * @throws IllegalArgumentException if the bytes are not an HLL sketch
   */
  public static HllSketch parse(byte[] bytes) {
    try {
      HllSketch s = HllSketch.heapify(bytes);
      if (s.getLgConfigK() > MAX_LG_K) {
        throw new IllegalArgumentException("sketch lgK " + s.getLgConfigK() + " too large");
      }
      return s;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an HLL sketch: " + e.getMessage(), e);
    }
  }

  /** A new accumulator for the union of many stored sketches. */
  public static Union newUnion() {
    // Views fold many sketches per key; lgK 14 (about 0.8% error) bounds each accumulator at 16 KiB.
    return new Union(14);
  }

  /** Merges two stored sketches (either may be null) into compact bytes. */
  public static byte[] merge(byte[] a, byte[] b) {
    if (a == null || a.length == 0) {
      return b;
    }
    if (b == null || b.length == 0) {
      return a;
    }
    HllSketch sa = HllSketch.heapify(a);
    HllSketch sb = HllSketch.heapify(b);
    Union u = new Union(Math.max(sa.getLgConfigK(), sb.getLgConfigK()));
    u.update(sa);
    u.update(sb);
    return u.getResult(TgtHllType.HLL_4).toCompactByteArray();
  }

  /** Adds stored bytes (null or empty: nothing) to {@code union}. */
  public static void addTo(Union union, byte[] stored) {
    if (stored != null && stored.length > 0) {
      union.update(HllSketch.heapify(stored));
    }
  }

  /** The union's estimate rounded to a whole number of downloaders. */
  public static long estimate(Union union) {
    return union.isEmpty() ? 0 : Math.round(union.getEstimate());
  }

  /** The rounded estimate of stored bytes (null or empty: 0). */
  public static long estimate(byte[] stored) {
    return estimate(parsed(stored));
  }

  /** The union of stored sketches (nulls and empties skipped) at the largest lgK among them. */
  public static byte[] union(Iterable<byte[]> stored) {
    java.util.List<HllSketch> parsed = new java.util.ArrayList<>();
    for (byte[] b : stored) {
      if (b != null && b.length > 0) {
        parsed.add(HllSketch.heapify(b));
      }
    }
    return bytes(unite(parsed));
  }

  /**
   * The union of parsed sketches at the largest lgK among them, as a sketch (null for none; the
   * one sketch itself for one), so that callers take its estimate and bytes without parsing again.
   */
  public static HllSketch unite(java.util.List<HllSketch> parsed) {
    return unite(parsed, TgtHllType.HLL_4);
  }

  /**
   * As {@link #unite(java.util.List)}, but a union's result comes as HLL_8, the union's own form:
   * for a sketch that is united again before it is stored, the HLL_4 conversion of every step
   * (DataSketches' {@code convertToHll4}, a fifth of the roller's samples in w7-C's profile) is
   * paid once, by {@link #asStored}.
   */
  public static HllSketch uniteForMore(java.util.List<HllSketch> parsed) {
    return unite(parsed, TgtHllType.HLL_8);
  }

  /**
   * A sketch in the form the collector stores: HLL_4 (a union's HLL_8 result converted; the same
   * registers and estimate, as {@code Union.getResult(HLL_4)} would have made it).
   */
  public static HllSketch asStored(HllSketch s) {
    return s == null || s.getTgtHllType() == TgtHllType.HLL_4 ? s : s.copyAs(TgtHllType.HLL_4);
  }

  private static HllSketch unite(java.util.List<HllSketch> parsed, TgtHllType type) {
    if (parsed.isEmpty()) {
      return null;
    }
    if (parsed.size() == 1) {
      return parsed.get(0);
    }
    int lgK = 4;
    for (HllSketch s : parsed) {
      lgK = Math.max(lgK, s.getLgConfigK());
    }
    Union u = new Union(lgK);
    for (HllSketch s : parsed) {
      u.update(s);
    }
    return u.getResult(type);
  }

  /** Stored bytes parsed (null or empty: null). */
  public static HllSketch parsed(byte[] stored) {
    return stored == null || stored.length == 0 ? null : HllSketch.heapify(stored);
  }

  /** The rounded estimate of a parsed sketch (null: 0). */
  public static long estimate(HllSketch s) {
    return s == null ? 0 : Math.round(s.getEstimate());
  }

  /** Compact bytes of a parsed sketch (null: null). */
  public static byte[] bytes(HllSketch s) {
    return s == null ? null : s.toCompactByteArray();
  }
}
