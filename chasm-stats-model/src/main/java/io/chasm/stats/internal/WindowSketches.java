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
  // Whether index holds every row of the step (built when a line first needs it).
  private boolean mapped;
  private int count;
  private byte[] kind = new byte[64];
  private long[] window = new long[64];
  private int[] art = new int[64];
  private byte[] proto = new byte[64];
  private final LongChunks coupons = new LongChunks();
  // Per artifact, side by side: the row of the latest week and of the latest month this step, as
  // window << 32 | protocol << 30 | 1 + row, 0 = none (two probes of the map per download before,
  // w8-A). By artifact, not (artifact, protocol): a quarter of the memory, and an artifact is
  // nearly always seen with one protocol (a download of another one goes through the map).
  private long[] latest = new long[1024];
  private static final long UNKNOWN = Long.MIN_VALUE; // never a record (1 + row is not 0)
  private static final int ROW = (1 << 30) - 1; // a record's 1 + row

  /**
   * Adds a download's week hash to the sketch of its week and its month hash to its month's; a
   * hash of 0 (the window has closed) adds nothing.
   */
  void add(int a, int p, long weekIndex, long weekHash, long monthIndex, long monthHash) {
    int k = a << 1;
    if (k >= latest.length) {
      latest = Arrays.copyOf(latest, Math.max(k + 2, latest.length * 2));
    }
    if (weekHash != 0) {
      coupons.add(CouponImages.pack(row(k, false, weekIndex, a, p), CouponImages.coupon(weekHash)));
    }
    if (monthHash != 0) {
      coupons.add(CouponImages.pack(row(k + 1, true, monthIndex, a, p),
          CouponImages.coupon(monthHash)));
    }
  }

  // The row of (window, a, p); latest[slot] is the row of the latest window of its kind that this
  // step has seen for artifact a (with its protocol). A window changes once a week or month, so nearly every download is
  // that one read; a later window makes its row without a probe (none can exist yet), only an
  // earlier one needs the map (lines of two weeks interleave around midnight), which is then
  // built from the rows. Most artifacts have a download or two per step and worker, so about
  // every other download makes a row: putting each in the map was most of the cost (JFR, w8-A).
  private int row(int slot, boolean month, long windowIndex, int a, int p) {
    long last = latest[slot];
    if ((int) windowIndex == windowIndex && last != UNKNOWN
        && (last == 0 || ((int) (last >>> 30) & 3) == p)) {
      if (last != 0 && last >> 32 == windowIndex) {
        return (int) (last & ROW) - 1;
      }
      if (last == 0 || last >> 32 < windowIndex) {
        int i = newRow(month, windowIndex, a, p);
        // A record holds rows below 2^30 - 1; past that (a billion rows) only the map.
        latest[slot] = i + 1 < ROW ? windowIndex << 32 | (long) p << 30 | (i + 1) : UNKNOWN;
        return i;
      }
    } else {
      // A window out of int range, or a second protocol: this slot's rows only through the map
      // for the rest of the step.
      latest[slot] = UNKNOWN;
    }
    if (!mapped) {
      for (int i = 0; i < count; i++) {
        index.put(key(kind[i] == 1, window[i], art[i], proto[i]), i);
      }
      mapped = true;
    }
    int i = index.get(key(month, windowIndex, a, p));
    return i >= 0 ? i : newRow(month, windowIndex, a, p);
  }

  private static long key(boolean month, long windowIndex, int a, int p) {
    long key = (windowIndex << 35) ^ ((long) a << 3) ^ (month ? 4 : 0) ^ p;
    // Long.MIN_VALUE is the map's empty marker; window index -2^28 is never seen
    return key == Long.MIN_VALUE ? -1 : key;
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
    if (mapped) {
      index.put(key(month, windowIndex, a, p), i);
    }
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
    if (mapped) {
      if (shrink) {
        index = new LongIntMap();
      } else {
        index.clear();
      }
      mapped = false;
    }
    Arrays.fill(latest, 0); // bounded by the worker's artifacts, like Aggregator's lastRow
    coupons.clear();
  }
}
