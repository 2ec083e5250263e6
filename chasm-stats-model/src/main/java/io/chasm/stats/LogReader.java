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

  /**
   * Sessions older than this (log time, behind the newest line read) are forgotten: a request
   * that refers to one is read as if its session had not been seen.
   */
  long SESSION_MAX_AGE = 86_400;

  /**
   * Called before each line with the offset of its first byte in its file, so that a reader that
   * keeps sessions knows where each began ({@link #sessionsSince()}).
   */
  default void offset(long lineOffset) {}

  /**
   * Where reading again (without counting) rebuilds exactly the sessions this reader holds open:
   * the offset of the first line of the oldest session that can still be used, or -1 when none
   * is open. The agent keeps it in the file's checkpoint instead of the sessions themselves,
   * which hold client addresses and so are never written anywhere.
   */
  default long sessionsSince() {
    return -1;
  }
}
