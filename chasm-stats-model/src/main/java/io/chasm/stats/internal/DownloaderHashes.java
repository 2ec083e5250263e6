package io.chasm.stats.internal;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The keyed hashes of one worker's downloaders in a step, by row, for the scan's report. They go
 * to the report grouped by row (a stable counting sort): each artifact's sketch is then touched
 * once per step instead of once per download, and it gets its hashes in the order they were read.
 */
final class DownloaderHashes {
  private int count;
  private int[] row = new int[1024];
  private long[] hash = new long[1024];
  private int[] groupStart = new int[1];
  private long[] grouped = new long[0];

  void add(int r, long h) {
    if (count == row.length) {
      row = Arrays.copyOf(row, count * 2);
      hash = Arrays.copyOf(hash, count * 2);
    }
    row[count] = r;
    hash[count++] = h;
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
    if (grouped.length < count) {
      grouped = new long[hash.length];
    }
    for (int i = 0; i < count; i++) {
      grouped[start[row[i]]++] = hash[i];
    }
    // start[r] is now the end of row r's group; its beginning is the end of row r - 1's.
    int from = 0;
    for (int r = 0; r < rows; r++) {
      int to = start[r];
      if (to > from) {
        ArtifactCatalog.Artifact c = classify.apply(rowArt[r]);
        for (int j = from; j < to; j++) {
          report.addClient(c, rowProto[r], grouped[j]);
        }
      }
      from = to;
    }
  }

  void clear() {
    count = 0;
  }
}
