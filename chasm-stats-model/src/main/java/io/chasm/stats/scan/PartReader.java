package io.chasm.stats.scan;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.RunTotals;
import io.chasm.stats.internal.Aggregator;
import io.chasm.stats.internal.ByteSource;
import io.chasm.stats.internal.Bytes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one part of a file (a byte range starting at a line boundary or skipping to the next)
 * line by line into a worker's aggregator. Only complete lines are read; a line longer than
 * {@link LogScanner#MAX_LINE} is rejected and skipped to its end.
 */
final class PartReader {
  private final AtomicLong progress;
  private final List<String> errors;

  /**
   * @param progress counts decompressed bytes read, for the scan's progress
   * @param errors where read failures are reported (guarded by itself)
   */
  PartReader(AtomicLong progress, List<String> errors) {
    this.progress = progress;
    this.errors = errors;
  }

  /**
   * Reads the lines whose first byte lies in [from, to) (the last one may end past {@code to}, but
   * not past the step's end of the file, {@link ScanFile#readEnd}). Returns {end of the last
   * complete line read, 1 if the file ended (or could not be read further) else 0}. A compressed
   * file's stream is left open in {@code w} for the next step when it did not end.
   */
  long[] read(ScanFile w, long from, long to, boolean atLineStart, Aggregator agg, byte[] buf) throws IOException {
    LogReader reader;
    if (w.reader.splittable()) {
      reader = w.reader.fresh();
    } else {
      // One part per step reads such a file, in order: its reader (and the sessions it holds)
      // lives on from step to step; in a new run it is rebuilt by reading again, without
      // counting, from where the oldest open session began (recorded in the checkpoint).
      reader = w.open;
      if (reader == null) {
        reader = w.reader.fresh();
        w.open = reader;
        long since = w.cp.sessionsSince;
        if (since >= 0 && since < from) {
          lines(w, reader, since, from, true, null, buf);
        }
      }
    }
    return lines(w, reader, from, to, atLineStart, agg, buf);
  }

  // With agg null, lines are only parsed (the reader's sessions rebuilt), nothing is counted.
  private long[] lines(ScanFile w, LogReader reader, long from, long to, boolean atLineStart,
      Aggregator agg, byte[] buf) throws IOException {
    LogRecord rec = new LogRecord();
    RunTotals t = agg == null ? new RunTotals() : agg.totals();
    long lastEnd = from;
    boolean skip = !atLineStart && from > 0 && !precededByNewline(w, from);
    int len = 0;
    long base = from; // file offset of buf[0]
    boolean oversize = false;
    long reported = 0;
    boolean eof = false;
    boolean compressed = w.compression != ByteSource.Compression.NONE;
    ByteSource src;
    if (compressed && w.stream != null && w.streamAt == from && w.carry.length <= buf.length) {
      src = w.stream;
      len = w.carry.length;
      System.arraycopy(w.carry, 0, buf, 0, len);
      w.stream = null;
    } else {
      w.closeStream();
      src = ByteSource.open(w.path, w.compression, from, w.readEnd);
    }
    try {
      // Lines already in buf (carried over from the previous step) are scanned first.
      boolean carried = len > 0;
      outer:
      while (true) {
        int n;
        int scan = len;
        if (carried) {
          carried = false;
          scan = 0;
        } else {
          try {
            n = src.read(buf, len, buf.length - len);
          } catch (IOException e) {
            synchronized (errors) {
              errors.add(w.path + ": " + LogScanner.oneLine(e) + " (after byte " + (base + len)
                  + "; lines before it were counted)");
            }
            eof = true;
            break;
          }
          if (n < 0) {
            eof = true;
            break;
          }
          if (n == 0) {
            continue;
          }
          len += n;
          if (agg != null) {
            progress.addAndGet(n);
          }
          reported += n;
        }
        int lineStart = 0;
        for (int i = Bytes.indexOf(buf, scan, len, (byte) '\n'); i >= 0;
            i = Bytes.indexOf(buf, i + 1, len, (byte) '\n')) {
          long absStart = base + lineStart;
          if (skip) {
            skip = false;
          } else if (oversize) {
            oversize = false;
            t.linesTotal++;
            t.linesRejected++;
            sample(t, w, absStart, "line longer than 64 KiB");
          } else {
            if (absStart >= to) {
              lastEnd = absStart;
              break outer;
            }
            line(buf, lineStart, i, reader, rec, agg, t, w, absStart);
          }
          lineStart = i + 1;
          lastEnd = base + lineStart;
          if (lastEnd >= to && !skip) {
            break outer;
          }
        }
        if (lineStart == 0 && len == buf.length) {
          // No line end in a full buffer: drop it and skip to the end of this line.
          if (!skip) {
            oversize = true;
          }
          base += len;
          len = 0;
        } else {
          System.arraycopy(buf, lineStart, buf, 0, len - lineStart);
          base += lineStart;
          len -= lineStart;
        }
      }
      if (compressed && !eof && lastEnd >= base && lastEnd - base <= len) {
        int keep = (int) (lastEnd - base);
        w.carry = java.util.Arrays.copyOfRange(buf, keep, len);
        w.streamAt = lastEnd;
        w.stream = src;
        src = null;
      }
    } finally {
      if (src != null) {
        src.close();
      }
    }
    return new long[] {lastEnd, eof ? 1 : 0};
  }

  private static void line(byte[] buf, int s, int e, LogReader reader, LogRecord rec, Aggregator agg,
      RunTotals t, ScanFile w, long absStart) {
    if (e > s && buf[e - 1] == '\r') {
      e--;
    }
    reader.offset(absStart);
    if (agg == null) {
      if (e > s && e - s <= LogScanner.MAX_LINE) {
        try {
          reader.parse(buf, s, e, rec);
        } catch (RuntimeException ex) {
          // counted as rejected when the line was read the first time
        }
      }
      return;
    }
    t.linesTotal++;
    if (e - s > LogScanner.MAX_LINE) {
      t.linesRejected++;
      sample(t, w, absStart, "line longer than 64 KiB");
      return;
    }
    if (e == s) {
      t.nonRequestLines++;
      return;
    }
    LogRecord.Kind k;
    try {
      k = reader.parse(buf, s, e, rec);
    } catch (RuntimeException ex) {
      // A reader bug must not lose the run: the line is rejected and named.
      rec.reason = "reader error " + ex.getClass().getSimpleName();
      k = LogRecord.Kind.REJECTED;
    }
    if (k == LogRecord.Kind.REQUEST) {
      String why = agg.accept(rec);
      if (why != null) {
        t.linesRejected++;
        sample(t, w, absStart, why);
      }
    } else if (k == LogRecord.Kind.NON_REQUEST) {
      t.nonRequestLines++;
    } else {
      t.linesRejected++;
      sample(t, w, absStart, rec.reason == null ? "rejected" : rec.reason);
    }
  }

  private static void sample(RunTotals t, ScanFile w, long offset, String reason) {
    if (t.rejectedSamples.size() < RunTotals.MAX_SAMPLES) {
      t.sample(w.path.getFileName() + " at byte " + offset + ": " + reason);
    }
  }

  private static boolean precededByNewline(ScanFile w, long from) throws IOException {
    try (ByteSource s = ByteSource.open(w.path, w.compression, from - 1, from)) {
      byte[] b = new byte[1];
      return s.read(b, 0, 1) == 1 && b[0] == '\n';
    }
  }
}
