package io.chasm.wire.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A bounded one-way byte pipe between threads of one JVM. Unlike {@code PipedInputStream} it
 * does not tie itself to the writing thread's liveness: end of stream comes only from the
 * writer's close, and a writer whose reader closed gets an {@link IOException} instead of
 * blocking forever.
 */
final class MemPipe {
  private final byte[] ring;
  private int head; // next byte to read
  private int size;
  private boolean writerClosed;
  private boolean readerClosed;

  MemPipe(int capacity) {
    ring = new byte[capacity];
  }

  final InputStream input =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return MemPipe.this.read(b, off, len);
        }

        @Override
        public int available() {
          synchronized (MemPipe.this) {
            return size;
          }
        }

        @Override
        public void close() {
          closeReader();
        }
      };

  final OutputStream output =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          MemPipe.this.write(b, off, len);
        }

        @Override
        public void close() {
          closeWriter();
        }
      };

  private synchronized int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (size == 0) {
      if (readerClosed) {
        throw new IOException("pipe closed");
      }
      if (writerClosed) {
        return -1;
      }
      await();
    }
    if (readerClosed) {
      throw new IOException("pipe closed");
    }
    int n = Math.min(len, size);
    int first = Math.min(n, ring.length - head);
    System.arraycopy(ring, head, b, off, first);
    System.arraycopy(ring, 0, b, off + first, n - first);
    head = (head + n) % ring.length;
    size -= n;
    notifyAll();
    return n;
  }

  private synchronized void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (writerClosed) {
        throw new IOException("pipe closed");
      }
      if (readerClosed) {
        throw new IOException("broken pipe: the reading side closed");
      }
      if (size == ring.length) {
        await();
        continue;
      }
      int tail = (head + size) % ring.length;
      int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
      System.arraycopy(b, off, ring, tail, n);
      size += n;
      off += n;
      len -= n;
      notifyAll();
    }
  }

  synchronized void closeWriter() {
    writerClosed = true;
    notifyAll();
  }

  synchronized void closeReader() {
    readerClosed = true;
    size = 0;
    notifyAll();
  }

  private void await() throws InterruptedIOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting on an in-memory pipe");
    }
  }
}
