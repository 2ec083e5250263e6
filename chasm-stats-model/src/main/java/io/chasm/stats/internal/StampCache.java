package io.chasm.stats.internal;

import java.util.Arrays;

/**
 * The last fixed-width timestamp a reader parsed, so that the next line of the same minute (most
 * lines: a log is written in time order) costs a compare of its bytes and two digits instead of
 * a full date computation. One per reader instance (readers are not shared between threads).
 */
public final class StampCache {
  /** A full parser of the stamp, returning {@link Bytes#BAD} for malformed input. */
  public interface Parser {
    long parse(byte[] b, int s, int e);
  }

  private final int width;
  private final int secondsAt;
  private final Parser full;
  private final byte[] last;
  // The epoch second of the cached stamp's minute, or BAD before the first valid stamp.
  private long minute = Bytes.BAD;

  /** For stamps of {@code width} bytes whose two-digit seconds start at {@code secondsAt}. */
  public StampCache(int width, int secondsAt, Parser full) {
    this.width = width;
    this.secondsAt = secondsAt;
    this.full = full;
    this.last = new byte[width];
  }

  /** What {@code full} gives for {@code b[s, e)}. */
  public long parse(byte[] b, int s, int e) {
    if (minute != Bytes.BAD && e - s == width
        && Arrays.equals(b, s, s + secondsAt, last, 0, secondsAt)
        && Arrays.equals(b, s + secondsAt + 2, e, last, secondsAt + 2, width)) {
      int sec = Bytes.digits(b, s + secondsAt, 2);
      if (sec >= 0 && sec <= 60) {
        return minute + sec;
      }
    }
    long t = full.parse(b, s, e);
    if (t != Bytes.BAD) {
      // A valid stamp has its width and two digits of seconds (the full parser checked both).
      minute = t - Bytes.digits(b, s + secondsAt, 2);
      System.arraycopy(b, s, last, 0, width);
    }
    return t;
  }
}
