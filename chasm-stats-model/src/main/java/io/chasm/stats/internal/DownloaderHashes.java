package io.chasm.stats.internal;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The keyed hashes of one worker's downloaders in a step, by row, for the scan's report: for each
 * download its day and its day's, week's and month's hashes (each window has its own secret).
 * They go to the report grouped by row (a stable counting sort), so the report gets each
 * artifact's hashes together and in the order they were read.
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
        ArtifactCatalog.Artifact c = classify.apply(rowArt[r]);
        for (int j = from; j < to; j++) {
          int i = order[j];
          report.addClient(c, rowProto[r], day[i], dayHash[i], weekHash[i], monthHash[i]);
        }
      }
      from = to;
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
    }
  }
}
