package io.chasm.hashtree.index;

import io.chasm.api.Ticker;
import java.util.Objects;

/**
 * Keeps a reader under a byte rate by sleeping between reads: a scrub that rehashes a whole tree
 * then takes no more than its share of the disk. Each {@link #acquire} books its bytes after
 * those booked before and sleeps until the booking is due, so over any stretch longer than one
 * read the rate holds; time spent reading counts, and an idle pause earns at most a second's
 * worth of unpaced reads afterwards.
 * Thread-safe: hashing threads share one pacer, and one sleeping holds the others back.
 */
public final class ReadPacer {
  /** Sleeps for a number of nanoseconds; a test passes one that only advances a fake ticker. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;

    Sleeper SYSTEM = n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000));
  }

  /** No pacing at all. */
  public static final ReadPacer UNLIMITED = new ReadPacer(0, Ticker.SYSTEM, Sleeper.SYSTEM);

  private static final long MAX_CREDIT_NANOS = 1_000_000_000L;

  private final long bytesPerSecond;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private long next;
  private boolean started;
  private long slept;

  /**
   * @param bytesPerSecond the rate; 0 for none
   * @throws IllegalArgumentException if negative
   */
  public ReadPacer(long bytesPerSecond, Ticker ticker, Sleeper sleeper) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("rate must be >= 0 bytes/s, not " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.ticker = Objects.requireNonNull(ticker);
    this.sleeper = Objects.requireNonNull(sleeper);
  }

  /** A pacer at {@code bytesPerSecond} on the system clock (0: unlimited). */
  public static ReadPacer of(long bytesPerSecond) {
    return bytesPerSecond == 0 ? UNLIMITED : new ReadPacer(bytesPerSecond, Ticker.SYSTEM, Sleeper.SYSTEM);
  }

  /** Books {@code bytes} just read and sleeps until the rate allows them. */
  public synchronized void acquire(long bytes) throws InterruptedException {
    if (bytesPerSecond == 0 || bytes <= 0) {
      return;
    }
    long now = ticker.nanos();
    // Reading slower than the rate earns nothing beyond a second: after a pause the rate holds at once.
    if (!started || now - next > MAX_CREDIT_NANOS) {
      next = now;
      started = true;
    }
    next += (long) (bytes * 1e9 / bytesPerSecond);
    long wait = next - now;
    if (wait > 0) {
      slept += wait;
      sleeper.sleep(wait);
    }
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Nanoseconds slept so far. */
  public synchronized long sleptNanos() {
    return slept;
  }
}
