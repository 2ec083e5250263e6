package io.chasm.wire.internal.server;

import io.chasm.api.Ticker;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket over bytes, shared by every connection of a server: {@link #take} returns once the
 * bytes fit the rate. The lock is fair and held while a taker waits for its tokens, so connections
 * are served in arrival order, one batch each, rather than the luckiest one taking the whole rate.
 */
public final class TokenBucket {
  private final long bytesPerSecond;
  private final long burst;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final ReentrantLock turn = new ReentrantLock(true);
  private double tokens;
  private long last;

  /** How a taker waits; a test passes one that moves its fake ticker instead. */
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  /** @param bytesPerSecond the sustained rate; a tenth of a second of it (at least 64 KiB) may go at once */
  public TokenBucket(long bytesPerSecond, Ticker ticker) {
    this(bytesPerSecond, ticker, n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
  }

  public TokenBucket(long bytesPerSecond, Ticker ticker, Sleeper sleeper) {
    this.sleeper = sleeper;
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burst = Math.max(64 << 10, bytesPerSecond / 10);
    this.ticker = ticker;
    this.tokens = burst;
    this.last = ticker.nanos();
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Waits until {@code bytes} may be sent; more than the burst at once is allowed and paid for after. */
  public void take(long bytes) throws InterruptedIOException {
    turn.lock();
    try {
      refill();
      tokens -= bytes;
      if (tokens < 0) {
        long nanos = (long) (-tokens * 1e9 / bytesPerSecond);
        try {
          sleeper.sleep(nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while pacing the upload");
        }
        refill();
      }
    } finally {
      turn.unlock();
    }
  }

  private void refill() {
    long now = ticker.nanos();
    tokens = Math.min(burst, tokens + (now - last) * (bytesPerSecond / 1e9));
    last = now;
  }
}
