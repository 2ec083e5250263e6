package io.chasm.stats;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Unique downloaders across several rows: the union of their HLL sketches, so a client counted in
 * two rows (two artifacts, two days) counts once, which adding the rows' estimates would not do.
 * Not thread-safe.
 *
 * <pre>
 *   SketchMerger all = new SketchMerger();
 *   rows.forEach(all::add);
 *   long uniques = all.estimate();
 * </pre>
 */
public final class SketchMerger {
  private final Union union;

  /** A merger at the precision rows are counted with ({@link StatsRow#LG_K}). */
  public SketchMerger() {
    this(StatsRow.LG_K);
  }

  /** A merger keeping {@code 2^lgK} registers; sketches of higher precision are folded down to it. */
  public SketchMerger(int lgK) {
    this.union = new Union(lgK);
  }

  /** Adds a row's unique downloaders (nothing if it counted none). */
  public SketchMerger add(StatsRow row) {
    return add(row.uniques());
  }

  /** Adds a sketch; null means empty. The sketch is not modified. */
  public SketchMerger add(HllSketch sketch) {
    if (sketch != null) {
      union.update(sketch);
    }
    return this;
  }

  /** Estimated distinct clients over everything added, rounded; 0 when nothing was. */
  public long estimate() {
    return union.isEmpty() ? 0 : Math.round(union.getCompositeEstimate());
  }

  /** The merged sketch (a copy), or null when nothing was added. */
  public HllSketch result() {
    return union.isEmpty() ? null : union.getResult(TgtHllType.HLL_4);
  }
}
