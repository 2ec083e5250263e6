package io.chasm.hashtree.chunk;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.hashtree.internal.FastCdcCutter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * Cuts bytes into FastCDC 2020 chunks and hashes each chunk with SHA-256, streaming: at most a few
 * times {@code maxSize} bytes are held, whatever the input size.
 *
 * <p>A chunker reuses its buffer and digest between calls, so it is <b>not thread-safe</b>: use one
 * per thread. The gear loop allocates nothing; per chunk only the {@link Chunk} and its {@link
 * Hash} are allocated.
 *
 * <p>An empty input has no chunks.
 */
public final class Chunker {
  /** Largest single read from a file (see {@link #chunk(Path, long, ChunkConsumer)}). */
  private static final int READ_SLICE = 256 << 10;

  private final ChunkingParams params;
  private final FastCdcCutter cutter;
  private final MessageDigest sha256 = HashAlgorithm.SHA_256.newDigest();
  private byte[] buffer;

  public Chunker(ChunkingParams params) {
    this.params = Objects.requireNonNull(params, "params");
    this.cutter = new FastCdcCutter(params.minSize(), params.avgSize(), params.maxSize());
  }

  /** A chunker with {@link ChunkingParams#DEFAULT}. */
  public Chunker() {
    this(ChunkingParams.DEFAULT);
  }

  public ChunkingParams params() {
    return params;
  }

  /** Chunks an in-memory array. */
  public List<Chunk> chunk(byte[] data) {
    List<Chunk> out = new ArrayList<>();
    try {
      chunk(data, 0, data.length, (c, b, o) -> out.add(c));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the consumer above never throws
    }
    return out;
  }

  /**
   * Chunks {@code data[off, off + len)}; chunk offsets are relative to {@code off}.
   *
   * @return the number of bytes chunked ({@code len})
   * @throws IOException if the consumer throws it
   */
  public long chunk(byte[] data, int off, int len, ChunkConsumer consumer) throws IOException {
    Objects.checkFromIndexSize(off, len, data.length);
    int pos = off;
    int end = off + len;
    while (pos < end) {
      int n = cutter.cut(data, pos, end - pos);
      consumer.accept(new Chunk(pos - off, n, hash(data, pos, n)), data, pos);
      pos += n;
    }
    return len;
  }

  /** Chunks a whole stream (not closed) and returns its chunks. */
  public List<Chunk> chunk(InputStream in) throws IOException {
    List<Chunk> out = new ArrayList<>();
    chunk(in, (c, b, o) -> out.add(c));
    return out;
  }

  /** Chunks a file and returns its chunks. */
  public List<Chunk> chunk(Path file) throws IOException {
    List<Chunk> out = new ArrayList<>();
    chunk(file, (c, b, o) -> out.add(c));
    return out;
  }

  /**
   * Chunks a file, streaming.
   *
   * @return the number of bytes chunked
   */
  public long chunk(Path file, ChunkConsumer consumer) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return chunk(ch, consumer);
    }
  }

  /**
   * Chunks the first {@code length} bytes of a file (all of it if shorter), streaming. When the
   * caller knows the size (e.g. from a stat it checks again afterwards), this spares the read that
   * would only find the end of the file: one read(2) instead of two for a small file. A length of
   * 0 opens nothing (an empty file costs no open(2) and close(2); the caller's stat tells whether it
   * is still empty).
   *
   * @return the number of bytes chunked
   */
  public long chunk(Path file, long length, ChunkConsumer consumer) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("length < 0");
    }
    if (length == 0) {
      return 0;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long[] left = {length};
      return run((b, o, l) -> {
        if (left[0] == 0) {
          return -1;
        }
        // Count only what is within the length. At most READ_SLICE per call: the JDK copies
        // every read into a heap array through a per-thread direct buffer as large as the largest
        // request, so a whole-buffer request kept 1 MiB of native memory per hashing thread for
        // one read(2) in four of a large file.
        int r = ch.read(ByteBuffer.wrap(b, o, Math.min(l, READ_SLICE)));
        if (r < 0) {
          return r;
        }
        int n = (int) Math.min(r, left[0]);
        left[0] -= n;
        return n;
      }, consumer);
    }
  }

  /**
   * Chunks a stream to its end (the stream is not closed).
   *
   * @return the number of bytes chunked
   */
  public long chunk(InputStream in, ChunkConsumer consumer) throws IOException {
    return run(in::read, consumer);
  }

  /**
   * Chunks a blocking channel from its current position to its end (the channel is not closed).
   *
   * @return the number of bytes chunked
   */
  public long chunk(ReadableByteChannel ch, ChunkConsumer consumer) throws IOException {
    return run((b, o, l) -> ch.read(ByteBuffer.wrap(b, o, l)), consumer);
  }

  /**
   * Chunks a file with the SHA-256 of its chunks computed on {@code hashers} while this thread
   * goes on finding cut points: for large files on an idle machine, up to the throughput of
   * plain hashing. Same result as {@link #chunk(Path)}. Holds at most a few blocks of
   * {@code max(2 MiB, 4 * maxSize)} bytes in memory.
   *
   * <p>{@code hashers} must not be an executor whose threads all may be blocked in this method
   * (e.g. the fixed pool that calls it), or the call can wait forever.
   */
  public List<Chunk> chunkParallel(Path file, Executor hashers) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return chunkParallel(ch, hashers);
    }
  }

  /** {@link #chunkParallel(Path, Executor)} over a blocking channel (not closed). */
  public List<Chunk> chunkParallel(ReadableByteChannel ch, Executor hashers) throws IOException {
    final int max = params.maxSize();
    final int block = Math.max(2 << 20, 4 * max);
    // One permit per block from its allocation until its chunks are hashed: bounds memory.
    Semaphore inFlight = new Semaphore(4);
    List<CompletableFuture<Chunk[]>> parts = new ArrayList<>();
    inFlight.acquireUninterruptibly();
    byte[] buf = new byte[block];
    int end = 0;
    long base = 0;
    boolean eof = false;
    try {
      while (!eof) {
        while (end < block) {
          int r = ch.read(ByteBuffer.wrap(buf, end, block - end));
          if (r < 0) {
            eof = true;
            break;
          }
          end += r;
        }
        // Cut while a full window (or the end of input) is in this block; the tail moves on.
        int[] cuts = new int[16];
        int count = 0;
        int start = 0;
        while (start < end && (eof || end - start >= max)) {
          if (count == cuts.length) {
            cuts = Arrays.copyOf(cuts, count * 2);
          }
          int n = cutter.cut(buf, start, end - start);
          cuts[count++] = n;
          start += n;
        }
        byte[] next = null;
        if (!eof) {
          inFlight.acquireUninterruptibly();
          next = new byte[block];
          System.arraycopy(buf, start, next, 0, end - start);
        }
        parts.add(hashBlock(buf, base, cuts, count, hashers, inFlight));
        base += start;
        end -= start;
        buf = next;
      }
      List<Chunk> out = new ArrayList<>();
      for (CompletableFuture<Chunk[]> f : parts) {
        out.addAll(Arrays.asList(f.join()));
      }
      return out;
    } catch (CompletionException e) {
      throw new IllegalStateException("hashing failed", e.getCause());
    }
  }

  private static CompletableFuture<Chunk[]> hashBlock(
      byte[] buf, long base, int[] lengths, int count, Executor hashers, Semaphore inFlight) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        MessageDigest md = HashAlgorithm.SHA_256.newDigest();
        Chunk[] out = new Chunk[count];
        int pos = 0;
        for (int i = 0; i < count; i++) {
          md.update(buf, pos, lengths[i]);
          out[i] = new Chunk(base + pos, lengths[i], Hash.of(HashAlgorithm.SHA_256, md.digest()));
          pos += lengths[i];
        }
        return out;
      } finally {
        inFlight.release();
      }
    }, hashers);
  }

  @FunctionalInterface
  private interface Reader {
    int read(byte[] b, int off, int len) throws IOException;
  }

  private long run(Reader reader, ChunkConsumer consumer) throws IOException {
    final int max = params.maxSize();
    byte[] buf = buffer();
    int start = 0;
    int end = 0;
    long pos = 0;
    boolean eof = false;
    while (true) {
      // The cut rule needs a full window of maxSize bytes (or the end of input) to be exact.
      if (!eof && end - start < max) {
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          start = 0;
        }
        while (end < buf.length) {
          int r = reader.read(buf, end, buf.length - end);
          if (r < 0) {
            eof = true;
            break;
          }
          end += r;
        }
      }
      if (start == end) {
        return pos;
      }
      int n = cutter.cut(buf, start, end - start);
      consumer.accept(new Chunk(pos, n, hash(buf, start, n)), buf, start);
      start += n;
      pos += n;
    }
  }

  private byte[] buffer() {
    if (buffer == null) {
      // Four windows per fill keep the compaction copy well under a third of the bytes read.
      buffer = new byte[Math.max(4 * params.maxSize(), 1 << 20)];
    }
    return buffer;
  }

  private Hash hash(byte[] b, int off, int len) {
    sha256.update(b, off, len);
    return Hash.of(HashAlgorithm.SHA_256, sha256.digest());
  }
}
