package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.LongChunks;
import io.chasm.stats.internal.hll.CouponImages;
import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One worker's WEEK and MONTH unique downloaders of a step, per (window, artifact, protocol), over
 * client hashes keyed with that week's or month's own secret, kept as packed (window row, HLL
 * coupon) pairs rather than a sketch per row (see CouponImages). They become the step's WEEK and
 * MONTH rows, which carry nothing but these sketches (SPEC §11.9).
 */
final class WindowSketches {
  private static final LogRecord.Protocol[] PROTOCOLS = LogRecord.Protocol.values();
  private int count;
  private byte[] kind = new byte[64];
  private long[] window = new long[64];
  private int[] art = new int[64];
  private byte[] proto = new byte[64];
  private final LongChunks coupons = new LongChunks();
  // Which row is (window, artifact, protocol)'s: the artifact's latest week and month rows in one
  // read (two probes of a map per download before, w8-A), artifact number a * 2 + kind.
  private final LatestRowIndex index = new LatestRowIndex();
  private final LatestRowIndex.Rows rowKeys = new LatestRowIndex.Rows() {
    @Override
    public int count() {
      return count;
    }

    @Override
    public long period(int row) {
      return window[row];
    }

    @Override
    public int art(int row) {
      return art[row] << 1 | kind[row];
    }

    @Override
    public int proto(int row) {
      return proto[row];
    }
  };

  /**
   * Adds a download's week hash to the sketch of its week and its month hash to its month's; a
   * hash of 0 (the window has closed) adds nothing.
   */
  void add(int a, int p, long weekIndex, long weekHash, long monthIndex, long monthHash) {
    if (weekHash != 0) {
      coupons.add(CouponImages.pack(row(false, weekIndex, a, p), CouponImages.coupon(weekHash)));
    }
    if (monthHash != 0) {
      coupons.add(CouponImages.pack(row(true, monthIndex, a, p), CouponImages.coupon(monthHash)));
    }
  }

  private int row(boolean month, long windowIndex, int a, int p) {
    int i = index.find(windowIndex, a << 1 | (month ? 1 : 0), p, rowKeys);
    if (i < 0) {
      i = newRow(month, windowIndex, a, p);
      index.made(i);
    }
    return i;
  }

  private int newRow(boolean month, long windowIndex, int a, int p) {
    int i = count++;
    if (i == kind.length) {
      int n = i * 2;
      kind = Arrays.copyOf(kind, n);
      window = Arrays.copyOf(window, n);
      art = Arrays.copyOf(art, n);
      proto = Arrays.copyOf(proto, n);
    }
    kind[i] = (byte) (month ? 1 : 0);
    window[i] = windowIndex;
    art[i] = a;
    proto[i] = (byte) p;
    return i;
  }

  /** The rows made this step (one per window, artifact and protocol). */
  int rows() {
    return count;
  }

  /** Adds the downloaders to the delta's WEEK and MONTH rows (counters stay 0). */
  void drainInto(StatsDelta delta, IntFunction<ArtifactCatalog.Artifact> classify) {
    int[] target = new int[count];
    for (int i = 0; i < count; i++) {
      Window w = kind[i] == 1 ? Window.MONTH : Window.WEEK;
      ArtifactCatalog.Artifact c = classify.apply(art[i]);
      long start = w.start(window[i]);
      // none before 1970 (a negative period_start is refused)
      target[i] = start < 0 ? -1 : delta.rowIndex(start, w.granularity(), c.id, c.project, c.path,
          c.type, PROTOCOLS[proto[i]].label());
    }
    // Renumbered to the delta's rows in place (those before 1970 dropped) and handed over whole.
    coupons.take((c, n) -> {
      int w = 0;
      for (int j = 0; j < n; j++) {
        int t = target[CouponImages.row(c[j])];
        if (t >= 0) {
          c[w++] = CouponImages.pack(t, (int) c[j]);
        }
      }
      delta.takeUniqueCoupons(c, w, false);
    });
  }

  /** The WEEK or MONTH row of an artifact; none before 1970 (a negative period_start is refused). */
  static StatsRow addTo(StatsDelta delta, Window w, long windowIndex, ArtifactCatalog.Artifact c,
      String protocol) {
    long start = w.start(windowIndex);
    if (start < 0) {
      return new StatsRow(start, w.granularity(), c.project, c.path, c.type, protocol);
    }
    return delta.row(start, w.granularity(), c.project, c.path, c.type, protocol);
  }

  /** Empties it; {@code release} also drops arrays grown past {@link Aggregator#SHRINK_ABOVE}. */
  void clear(boolean release) {
    count = 0;
    boolean shrink = release && kind.length > Aggregator.SHRINK_ABOVE;
    if (shrink) {
      kind = new byte[64];
      window = new long[64];
      art = new int[64];
      proto = new byte[64];
    }
    index.clear(shrink);
    coupons.clear();
  }
}
