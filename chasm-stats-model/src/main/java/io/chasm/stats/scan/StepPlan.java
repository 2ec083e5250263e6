package io.chasm.stats.scan;

import io.chasm.stats.internal.ByteSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the remaining work into steps of about {@code stepBytes} (decompressed) bytes. The same
 * state plans the same step, so a step redone after a crash reads the same ranges.
 */
final class StepPlan {
  /** One file's range in a step. */
  static final class Item {
    ScanFile w;
    long start, cut;
    long newOffset;
    // The file ended within the step (a compressed file's end is known only then).
    boolean eof;
  }

  private StepPlan() {}

  /** True when no file has bytes left to read in this run. */
  static boolean done(List<ScanFile> works) {
    for (ScanFile w : works) {
      if (w.active && (w.compression != ByteSource.Compression.NONE || w.cp.offset < w.planEnd)) {
        return false;
      }
    }
    return true;
  }

  /** The next step's ranges, in file order; empty when every file is read. */
  static List<Item> next(List<ScanFile> works, long stepBytes) {
    List<Item> step = new ArrayList<>();
    long budget = Math.max(1, stepBytes);
    for (ScanFile w : works) {
      if (!w.active) {
        continue;
      }
      Item it = new Item();
      it.w = w;
      it.start = w.cp.offset;
      // Compressed files are cut by decompressed bytes too (their end is unknown until read), so
      // a step's rows stay bounded whatever the file's size.
      long take = Math.min(w.planEnd - it.start, budget);
      if (take <= 0) {
        w.active = false;
        continue;
      }
      it.cut = it.start + take;
      budget -= take;
      it.newOffset = it.start;
      step.add(it);
      if (budget <= 0) {
        break;
      }
    }
    return step;
  }
}
