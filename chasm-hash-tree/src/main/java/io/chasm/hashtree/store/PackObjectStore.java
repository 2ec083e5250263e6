package io.chasm.hashtree.store;

import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent {@link ObjectStore} in one append-only pack file ({@code STATE/objects.pack}):
 * records {@code u8 kind || u8 hashAlg || 32-byte digest || u32 length || encoded object}. Objects
 * are never removed, so the trees of every earlier snapshot stay available for diffs.
 *
 * <p>The lookup table is rebuilt by scanning the pack on open and kept in two arrays (about 24
 * bytes per object, no object per entry). A torn record at the end (a crash during append) is cut
 * off with a warning. Reads return bytes as stored; the typed readers of {@link ObjectStore}
 * verify them against the id. Thread-safe.
 */
public final class PackObjectStore implements ObjectStore, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PackObjectStore.class);
  private static final int HEADER = 1 + 1 + 32 + 4;
  /** Larger records are not objects we write: treat as damage. */
  private static final int MAX_OBJECT = 64 << 20;

  private final Path file;
  private final FileChannel ch;
  private final boolean readOnly;
  /** End of the pack including buffered records. */
  private long end;
  /** End of what has been written to the file; records from here on are in {@link #pending}. */
  private long flushed;
  private final PendingRecords pending = new PendingRecords();
  private boolean dirty;
  // Open addressing: key = kind and first 7 digest bytes, value = record offset + 1 (0 = empty).
  private long[] keys = new long[1024];
  private long[] offsets = new long[1024];
  private int size;

  private PackObjectStore(Path file, FileChannel ch, boolean readOnly) {
    this.file = file;
    this.ch = ch;
    this.readOnly = readOnly;
  }

  /** Opens or creates the pack. */
  public static PackObjectStore open(Path file) throws IOException {
    java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    // The lookup table is built on first use: a no-change re-index never needs it.
    return new PackObjectStore(file, ch, false);
  }

  /**
   * Opens the pack for reading only, e.g. by a server while a publish or sync may be appending to
   * it: a torn tail is ignored (it is the other process's append in progress), never cut off, and
   * {@link #put} is refused. Objects appended after opening are not seen; reopen to see them.
   */
  public static PackObjectStore openReadOnly(Path file) throws IOException {
    return new PackObjectStore(file, FileChannel.open(file, StandardOpenOption.READ), true);
  }

  private boolean scanned;

  private void scan() throws IOException {
    if (scanned) {
      return;
    }
    scanned = true;
    long len = ch.size();
    // One sequential pass with a large buffer: a read per record would cost a syscall per object.
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long bufStart = 0;
    long pos = 0;
    readFully(buf, 0);
    buf.flip();
    while (pos < len) {
      if (len - pos < HEADER) {
        break;
      }
      if (pos + HEADER > bufStart + buf.limit()) {
        bufStart = pos;
        buf.clear();
        readFully(buf, pos);
        buf.flip();
      }
      int at = (int) (pos - bufStart);
      int kind = buf.get(at) & 0xff;
      int alg = buf.get(at + 1) & 0xff;
      int n = buf.getInt(at + 34);
      if (kind < 1 || kind > 4 || alg != HashAlgorithm.SHA_256.code() || n < 0 || n > MAX_OBJECT || pos + HEADER + n > len) {
        break;
      }
      insert(key(buf.array(), at), pos);
      pos += HEADER + n;
    }
    if (pos < len && readOnly) {
      LOG.debug("{}: ignoring {} bytes past the last whole record (an append in progress?)", file, len - pos);
    } else if (pos < len) {
      LOG.warn("{}: cutting a damaged or torn tail of {} bytes", file, len - pos);
      ch.truncate(pos);
    }
    end = pos;
    flushed = pos;
  }

  /** Reads from the file or, past {@link #flushed}, from the pending buffer. */
  private int readFully(ByteBuffer b, long pos) throws IOException {
    if (pos >= flushed && pending.size() > 0) {
      return pending.read((int) (pos - flushed), b);
    }
    int total = 0;
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }

  private void flush() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    ByteBuffer b = pending.buffer();
    long at = flushed;
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
    flushed = at;
    pending.reset();
    dirty = true;
  }

  /**
   * Records appended but not yet written, read in place: copying the buffer for each read cost up
   * to a megabyte per object read back (a sync reads every tree and manifest right after putting it).
   */
  private static final class PendingRecords extends java.io.ByteArrayOutputStream {
    PendingRecords() {
      super(1 << 16);
    }

    /** Copies bytes from {@code from} into {@code b}; returns how many. */
    int read(int from, ByteBuffer b) {
      int n = Math.max(0, Math.min(b.remaining(), count - from));
      b.put(buf, from, n);
      return n;
    }

    /** The pending bytes, without a copy (valid until the next write or reset). */
    ByteBuffer buffer() {
      return ByteBuffer.wrap(buf, 0, count);
    }
  }

  private static long key(byte[] header, int off) {
    long k = header[off] & 0xffL;
    for (int i = 0; i < 7; i++) {
      k = (k << 8) | (header[off + 2 + i] & 0xffL);
    }
    return k;
  }

  private static long key(ObjectId id) {
    byte[] h = new byte[HEADER];
    h[0] = (byte) id.kind().code();
    h[1] = (byte) id.hash().algorithm().code();
    id.hash().copyTo(h, 2);
    return key(h, 0);
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  private void insert(long key, long offset) {
    if ((size + 1) * 4L > keys.length * 3L) {
      grow();
    }
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (offsets[i] != 0) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    offsets[i] = offset + 1;
    size++;
  }

  private void grow() {
    long[] ok = keys;
    long[] oo = offsets;
    keys = new long[ok.length * 2];
    offsets = new long[oo.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < ok.length; j++) {
      if (oo[j] != 0) {
        int i = slot(ok[j], mask);
        while (offsets[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = ok[j];
        offsets[i] = oo[j];
      }
    }
  }

  /** Record offset of {@code id}, or -1. Compares the full id on disk: prefixes may collide. */
  private long find(ObjectId id) throws IOException {
    scan();
    long key = key(id);
    int mask = keys.length - 1;
    byte[] want = new byte[34];
    want[0] = (byte) id.kind().code();
    want[1] = (byte) id.hash().algorithm().code();
    id.hash().copyTo(want, 2);
    ByteBuffer got = ByteBuffer.allocate(34);
    for (int i = slot(key, mask); offsets[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == key) {
        got.clear();
        readFully(got, offsets[i] - 1);
        if (Arrays.equals(got.array(), want)) {
          return offsets[i] - 1;
        }
      }
    }
    return -1;
  }

  @Override
  public synchronized Optional<byte[]> get(ObjectId id) throws IOException {
    long at = find(id);
    if (at < 0) {
      return Optional.empty();
    }
    ByteBuffer len = ByteBuffer.allocate(4);
    readFully(len, at + 34);
    byte[] out = new byte[len.getInt(0)];
    ByteBuffer body = ByteBuffer.wrap(out);
    if (readFully(body, at + HEADER) != out.length) {
      throw new IOException(file + ": object " + id + " is truncated");
    }
    return Optional.of(out);
  }

  @Override
  public synchronized boolean contains(ObjectId id) throws IOException {
    return find(id) >= 0;
  }

  @Override
  public synchronized void put(ObjectId id, byte[] encoded) throws IOException {
    scan();
    if (id.hash().algorithm() != HashAlgorithm.SHA_256 || id.kind() == ObjectKind.CHUNK) {
      throw new IllegalArgumentException("the pack holds SHA-256 trees, manifests and snapshots, not " + id);
    }
    if (readOnly) {
      throw new IOException(file + ": opened read-only");
    }
    if (find(id) >= 0) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER + encoded.length);
    b.put((byte) id.kind().code()).put((byte) id.hash().algorithm().code());
    byte[] digest = new byte[32];
    id.hash().copyTo(digest, 0);
    b.put(digest).putInt(encoded.length).put(encoded);
    pending.write(b.array(), 0, b.position());
    insert(key(b.array(), 0), end);
    end += b.position();
    if (pending.size() >= 1 << 20) {
      flush();
    }
  }

  /** Current length of the pack file in bytes, including appends not yet synced. */
  public synchronized long length() throws IOException {
    return scanned ? end : ch.size();
  }

  /** Makes every object put so far durable. */
  public synchronized void sync() throws IOException {
    flush();
    if (dirty) {
      ch.force(false);
      dirty = false;
    }
  }

  /** Bytes of heap the lookup table occupies. */
  public synchronized long footprint() {
    return 32 + 16L * keys.length;
  }

  /** Number of objects held. */
  public synchronized int size() throws IOException {
    scan();
    return size;
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      sync();
    } finally {
      ch.close();
    }
  }
}
