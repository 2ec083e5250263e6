package io.chasm.stats.internal;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/** Sequential bytes of a log file from an offset: positional reads, or a decompressing stream. */
public abstract class ByteSource implements AutoCloseable {
  public enum Compression { NONE, GZIP, ZSTD }

  /** Reads like {@link InputStream#read(byte[], int, int)}; -1 at the end. */
  public abstract int read(byte[] b, int off, int len) throws IOException;

  @Override
  public abstract void close() throws IOException;

  /** Detects compression from the magic bytes. */
  public static Compression detect(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.allocate(4);
      while (bb.hasRemaining() && ch.read(bb) > 0) {
        // fill
      }
      byte[] m = bb.array();
      int n = bb.position();
      if (n >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
        return Compression.GZIP;
      }
      if (n == 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f
          && (m[3] & 0xff) == 0xfd) {
        return Compression.ZSTD;
      }
      return Compression.NONE;
    }
  }

  /**
   * Bytes {@code [from, limit)} of the (decompressed) content; a compressed source decompresses
   * and discards the first {@code from} bytes.
   */
  public static ByteSource open(Path file, Compression c, long from, long limit)
      throws IOException {
    if (c == Compression.NONE) {
      return new Plain(file, from, limit);
    }
    InputStream raw = new BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16);
    InputStream in;
    try {
      in = c == Compression.GZIP ? new GZIPInputStream(raw, 1 << 16)
          : new ZstdInputStreamNoFinalizer(raw);
    } catch (IOException e) {
      raw.close();
      throw e;
    }
    Stream s = new Stream(in, limit);
    try {
      s.skip(from);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private static final class Plain extends ByteSource {
    private final FileChannel ch;
    private long pos;
    private final long limit;

    Plain(Path file, long from, long limit) throws IOException {
      this.ch = FileChannel.open(file, StandardOpenOption.READ);
      this.pos = from;
      this.limit = limit;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long left = limit - pos;
      if (left <= 0) {
        return -1;
      }
      int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), pos);
      if (n > 0) {
        pos += n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  private static final class Stream extends ByteSource {
    private final InputStream in;
    private long left;

    Stream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    void skip(long n) throws IOException {
      byte[] junk = new byte[1 << 16];
      while (n > 0) {
        int r = in.read(junk, 0, (int) Math.min(junk.length, n));
        if (r < 0) {
          throw new java.io.EOFException("compressed file shorter than its checkpoint");
        }
        n -= r;
      }
      left -= 0;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, len);
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
