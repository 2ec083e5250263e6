package io.chasm.wire.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Counts bytes read, for wire statistics (bytes received). */
public final class CountingInputStream extends FilterInputStream {
  private final AtomicLong read = new AtomicLong();

  public CountingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      read.incrementAndGet();
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      read.addAndGet(n);
    }
    return n;
  }

  public long bytesRead() {
    return read.get();
  }
}
