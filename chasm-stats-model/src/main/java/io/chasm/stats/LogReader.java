package io.chasm.stats;

/**
 * Parses one log format. Implementations work on bytes in place: no regex, no String per line,
 * and never throw on bad input (a bad line is {@link LogRecord.Kind#REJECTED} with a reason).
 *
 * <p>A reader may keep state between lines of one stream (rsync and git daemon log a session over
 * several lines); {@link #fresh()} gives an independent instance for another stream or thread.
 */
public interface LogReader {
  /** Registry name, e.g. {@code combined}. */
  String name();

  /**
   * Parses {@code buf[start, end)}, one line without its line terminator, into {@code rec}.
   *
   * @return the kind of line, also stored in {@code rec.kind}
   */
  LogRecord.Kind parse(byte[] buf, int start, int end, LogRecord rec);

  /** An instance with no carried-over state, configured like this one. */
  LogReader fresh();

  /**
   * True when lines are independent, so a file may be cut at any line boundary and its parts read
   * in parallel.
   */
  default boolean splittable() {
    return true;
  }
}
