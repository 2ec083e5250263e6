package io.chasm.wire.internal;

import io.chasm.api.Ticker;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers since when a write has been blocked, so a watchdog can cut off a peer that stops
 * reading (blocking sockets have no write timeout). Also counts bytes written.
 */
public final class TimedOutputStream extends FilterOutputStream {
  private volatile long blockedSinceNanos; // 0 = not in a write
  private final AtomicLong written = new AtomicLong();
  private final Ticker ticker;

  public TimedOutputStream(OutputStream out) {
    this(out, Ticker.SYSTEM);
  }

  public TimedOutputStream(OutputStream out, Ticker ticker) {
    super(out);
    this.ticker = ticker;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    blockedSinceNanos = ticker.nanos() | 1;
    try {
      out.write(b, off, len);
      written.addAndGet(len);
    } finally {
      blockedSinceNanos = 0;
    }
  }

  @Override
  public void flush() throws IOException {
    blockedSinceNanos = ticker.nanos() | 1;
    try {
      out.flush();
    } finally {
      blockedSinceNanos = 0;
    }
  }

  /** Nanoseconds the current write has been blocked at {@code now}; 0 when no write is in progress. */
  public long blockedFor(long now) {
    long since = blockedSinceNanos;
    return since == 0 ? 0 : Math.max(1, now - since);
  }

  public long bytesWritten() {
    return written.get();
  }
}
