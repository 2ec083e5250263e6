package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.LongIntMap;
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
  private LongIntMap index = new LongIntMap();
  private int count;
  private byte[] kind = new byte[64];
  private long[] window = new long[64];
  private int[] art = new int[64];
  private byte[] proto = new byte[64];
  private final LongChunks coupons = new LongChunks();

  /** Adds a client hash (non-zero) to the sketch of the week ({@code month} false) or month. */
  void add(boolean month, long windowIndex, int a, int p, long clientHash) {
    long key = (windowIndex << 35) ^ ((long) a << 3) ^ (month ? 4 : 0) ^ p;
    if (key == Long.MIN_VALUE) {
      key = -1; // the map's empty marker; window index -2^28 is never seen
    }
    int i = index.get(key);
    if (i < 0) {
      i = count++;
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
      index.put(key, i);
    }
    coupons.add(CouponImages.pack(i, CouponImages.coupon(clientHash)));
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
    if (release && kind.length > Aggregator.SHRINK_ABOVE) {
      kind = new byte[64];
      window = new long[64];
      art = new int[64];
      proto = new byte[64];
      index = new LongIntMap();
    } else {
      index.clear();
    }
    coupons.clear();
  }
}
