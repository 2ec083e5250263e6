package io.chasm.stats.internal;

import io.chasm.stats.Window;
import io.chasm.stats.internal.hll.CouponImages;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The keyed hashes of one worker's downloaders in a step, by row, for a report-only scan's report
 * (the agent proper's report reads the step's coupons from its delta instead, SummaryRows.feed):
 * for each download its day and its day's, week's and month's hashes (each window has its own
 * secret). They go to the report grouped by row (a stable counting sort), so the report gets each
 * artifact's hashes together.
 */
final class DownloaderHashes {
  private int count;
  private int[] row = new int[1024];
  private long[] day = new long[1024];
  private long[] dayHash = new long[1024];
  private long[] weekHash = new long[1024];
  private long[] monthHash = new long[1024];
  private int[] groupStart = new int[1];
  private int[] order = new int[0];
  private long[] scratch = new long[0];
  // The previous step's count and an eighth: the first growth goes there, later ones by half, so
  // the columns are not up to half empty at the step end as after doubling (w7-A).
  private int hint;

  void add(int r, long d, long dh, long wh, long mh) {
    if (count == row.length) {
      int n = Math.max(hint, count + (count >> 1));
      row = Arrays.copyOf(row, n);
      day = Arrays.copyOf(day, n);
      dayHash = Arrays.copyOf(dayHash, n);
      weekHash = Arrays.copyOf(weekHash, n);
      monthHash = Arrays.copyOf(monthHash, n);
    }
    row[count] = r;
    day[count] = d;
    dayHash[count] = dh;
    weekHash[count] = wh;
    monthHash[count++] = mh;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** Hands every hash to {@code report}; rows {@code [0, rows)} have the given artifacts and protocols. */
  void drainInto(SummaryRows report, int rows, int[] rowArt, byte[] rowProto,
      IntFunction<ArtifactCatalog.Artifact> classify) {
    int[] start = groupStart.length > rows ? groupStart : new int[rows + 1];
    groupStart = start;
    Arrays.fill(start, 0, rows + 1, 0);
    for (int i = 0; i < count; i++) {
      start[row[i] + 1]++;
    }
    for (int r = 0; r < rows; r++) {
      start[r + 1] += start[r];
    }
    if (order.length < count) {
      order = new int[count];
    }
    for (int i = 0; i < count; i++) {
      order[start[row[i]]++] = i;
    }
    // start[r] is now the end of row r's group; its beginning is the end of row r - 1's.
    int from = 0;
    for (int r = 0; r < rows; r++) {
      int to = start[r];
      if (to > from) {
        monthCoupons(report, classify.apply(rowArt[r]), rowProto[r], from, to);
      }
      from = to;
    }
  }

  // One row's downloads (order[from .. to)): the day's and week's hashes to the windows' sets one
  // by one, the month's as (month, coupon) sorted and distinct, so that the artifact's month set
  // takes each month's in one merge instead of one insertion per coupon.
  private void monthCoupons(SummaryRows report, ArtifactCatalog.Artifact c, int proto, int from,
      int to) {
    if (scratch.length < to - from) {
      scratch = new long[Math.max(to - from, scratch.length * 2)];
    }
    int k = 0;
    long monthOf = Long.MIN_VALUE, month = 0;
    for (int j = from; j < to; j++) {
      int i = order[j];
      long d = day[i];
      report.addWindowHash(Window.DAY, d, dayHash[i]);
      report.addWindowHash(Window.WEEK, Window.WEEK.indexOfDay(d), weekHash[i]);
      if (monthHash[i] == 0) {
        continue;
      }
      if (d != monthOf) {
        month = Window.MONTH.indexOfDay(d);
        monthOf = d;
      }
      if (month < 0) {
        report.addWindowHash(Window.MONTH, month, monthHash[i]); // no artifact month before 1970
      } else {
        scratch[k++] = month << 32 | (CouponImages.coupon(monthHash[i]) & 0xffffffffL);
      }
    }
    Arrays.sort(scratch, 0, k);
    int w = 0;
    for (int i = 0; i < k; i++) {
      if (i == 0 || scratch[i] != scratch[i - 1]) {
        scratch[w++] = scratch[i];
      }
    }
    for (int i = 0; i < w; ) {
      int e = i + 1;
      while (e < w && scratch[e] >>> 32 == scratch[i] >>> 32) {
        e++;
      }
      report.addMonthCoupons(c, proto, scratch[i] >>> 32, scratch, i, e);
      i = e;
    }
  }

  /** Empties it; {@code release} also drops arrays grown past {@link Aggregator#SHRINK_ABOVE}. */
  void clear(boolean release) {
    hint = count + (count >> 3);
    count = 0;
    if (release && row.length > Aggregator.SHRINK_ABOVE) {
      row = new int[1024];
      day = new long[1024];
      dayHash = new long[1024];
      weekHash = new long[1024];
      monthHash = new long[1024];
      groupStart = new int[1];
      order = new int[0];
      scratch = new long[0];
    }
  }
}
