package io.chasm.hashtree.index;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.internal.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.Arrays;

/**
 * The index file, {@code STATE/index} (tck/SPEC.md §6): magic {@code CHIX}, u8 version 2, u32
 * entry count, u32 chunk count, u32 min/avg/max chunk sizes, the
 * 32-byte root tree digest, u64 length of the object pack when written; per entry u16 path length, path, u8
 * kind, u64 dev, ino, size, mtime ns, ctime ns, then for files and directories the 32-byte id and
 * u32 chunk count, for symlinks u16 target length and target; then per chunk its 32-byte id and
 * u32 length; finally the CRC-32C of everything
 * before (damage detection; the objects it names are verified by hash when read). Written atomically (temp, fsync, rename).
 *
 * <p>Version 1 has the same layout; its directory ids name version-1 trees (no mtimes, no modes),
 * so it is read with {@link IndexTable#legacyTrees} set and its trees are rebuilt once.
 */
final class IndexFile {
  private static final byte[] MAGIC = {'C', 'H', 'I', 'X'};
  private static final int VERSION = 2;
  private static final int VERSION_1 = 1;
  private static final int ID = IndexTable.ID_LENGTH;

  private IndexFile() {}

  record Loaded(IndexTable table, ChunkingParams params, ObjectId root, long packLength) {}

  /** Streamed through a buffer of this size: the file is never built whole in memory. */
  private static final int BUFFER = 256 << 10;

  static void write(Path file, IndexTable t, ChunkingParams params, ObjectId root, long packLength) throws IOException {
    long size = 4 + 1 + 4 + 4 + 12 + ID + 8 + (long) t.pathsLength + (long) t.chunkCount * (ID + 4) + 4;
    for (int i = 0; i < t.count; i++) {
      size += 2 + 1 + 40;
      byte k = t.kind(i);
      size += k == IndexTable.SYMLINK ? 2 + t.linkTargets.get(i).length : ID + 4;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("index too large for format version 2 (" + size + " bytes)");
    }
    AtomicFiles.write(file, ch -> {
      Out b = new Out(ch);
      b.need(4 + 1 + 4 + 4 + 12 + ID + 8);
      b.buf.put(MAGIC).put((byte) VERSION).putInt(t.count).putInt(t.chunkCount);
      b.buf.putInt(params.minSize()).putInt(params.avgSize()).putInt(params.maxSize());
      b.buf.put(root.hash().bytes()).putLong(packLength);
      for (int i = 0; i < t.count; i++) {
        int ps = t.pathStart[i];
        int pl = t.pathStart[i + 1] - ps;
        b.need(2 + pl + 1 + 40 + 2 + 0xffff);
        b.buf.putShort((short) pl).put(t.paths, ps, pl).put(t.kinds[i]);
        b.buf.putLong(t.dev[i]).putLong(t.ino[i]).putLong(t.size[i]).putLong(t.mtime[i]).putLong(t.ctime[i]);
        if (t.kind(i) == IndexTable.SYMLINK) {
          byte[] target = t.linkTargets.get(i);
          b.buf.putShort((short) target.length).put(target);
        } else {
          b.buf.put(t.ids, i * ID, ID).putInt(t.chunks(i));
        }
      }
      for (int c = 0; c < t.chunkCount; c++) {
        b.need(ID + 4);
        b.buf.put(t.chunkIds, c * ID, ID).putInt(t.chunkLength[c]);
      }
      b.drain();
      b.buf.putInt((int) b.crc.getValue());
      b.buf.flip();
      while (b.buf.hasRemaining()) {
        ch.write(b.buf);
      }
    });
  }

  /** A write buffer in front of a channel that checksums what it passes on. */
  private static final class Out {
    final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    final CRC32C crc = new CRC32C();
    private final FileChannel ch;

    Out(FileChannel ch) {
      this.ch = ch;
    }

    void need(int n) throws IOException {
      if (buf.remaining() < n) {
        drain();
      }
    }

    void drain() throws IOException {
      buf.flip();
      crc.update(buf.array(), 0, buf.limit());
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
    }
  }

  /**
   * A read buffer over the file's content (all but its last four bytes, the checksum) that
   * checksums what it reads: the file is never read whole into memory.
   */
  private static final class In {
    final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    final CRC32C crc = new CRC32C();
    private final FileChannel ch;
    private final long end;
    private long pos;

    In(FileChannel ch, long end) {
      this.ch = ch;
      this.end = end;
      buf.flip();
    }

    /** Makes {@code n} bytes available; throws BufferUnderflowException past the content's end. */
    ByteBuffer need(int n) throws IOException {
      if (buf.remaining() >= n) {
        return buf;
      }
      buf.compact();
      while (buf.position() < n && pos < end) {
        int from = buf.position();
        buf.limit((int) Math.min(buf.capacity(), from + (end - pos)));
        int r = ch.read(buf, pos);
        if (r < 0) {
          break;
        }
        crc.update(buf.array(), from, r);
        pos += r;
      }
      buf.flip();
      if (buf.remaining() < n) {
        throw new java.nio.BufferUnderflowException();
      }
      return buf;
    }

    /** Reads (and checksums) the rest of the content. */
    void skipRest() throws IOException {
      while (pos < end) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - pos));
        int r = ch.read(buf, pos);
        if (r < 0) {
          break;
        }
        crc.update(buf.array(), 0, r);
        pos += r;
      }
      buf.clear().flip();
    }

    boolean exhausted() {
      return pos == end && !buf.hasRemaining();
    }
  }

  /**
   * @throws CorruptObjectException if the file is damaged in any way (the caller rebuilds)
   */
  static Loaded read(Path file) throws IOException, CorruptObjectException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      if (length < 4 + 1 + 8 + 12 + ID + 8 + 4) {
        throw new CorruptObjectException(file + ": truncated index file");
      }
      In in = new In(ch, length - 4);
      Loaded loaded;
      try {
        loaded = parse(file, in, length - 4);
      } catch (CorruptObjectException e) {
        // Damage shows as a checksum mismatch when the checksum does not match: say so.
        in.skipRest();
        checkCrc(file, ch, in, length);
        throw e;
      }
      checkCrc(file, ch, in, length);
      return loaded;
    }
  }

  private static void checkCrc(Path file, FileChannel ch, In in, long length) throws IOException, CorruptObjectException {
    ByteBuffer stored = ByteBuffer.allocate(4);
    while (stored.hasRemaining() && ch.read(stored, length - 4 + stored.position()) >= 0) {
      // reads the checksum
    }
    if (stored.hasRemaining() || (int) in.crc.getValue() != stored.getInt(0)) {
      throw new CorruptObjectException(file + ": index checksum mismatch");
    }
  }

  private static Loaded parse(Path file, In in, long contentLength) throws IOException, CorruptObjectException {
    try {
      ByteBuffer b = in.need(4 + 1 + 8 + 12 + ID + 8);
      byte[] magic = new byte[4];
      b.get(magic);
      byte version = b.get();
      if (!Arrays.equals(magic, MAGIC) || (version != VERSION && version != VERSION_1)) {
        throw new CorruptObjectException(file + ": not a version-1 or version-2 index file");
      }
      int n = b.getInt();
      int m = b.getInt();
      ChunkingParams params = new ChunkingParams(b.getInt(), b.getInt(), b.getInt());
      byte[] rootDigest = new byte[ID];
      b.get(rootDigest);
      ObjectId root = ObjectId.tree(Hash.of(HashAlgorithm.SHA_256, rootDigest));
      long packLength = b.getLong();
      long remaining = contentLength - (4 + 1 + 8 + 12 + ID + 8);
      if (n < 0 || m < 0 || (long) n * 43 > remaining || (long) m * (ID + 4) > remaining) {
        throw new CorruptObjectException(file + ": bad counts");
      }
      // Sized for the entries read (path bytes grow as needed): no column is copied while loading.
      IndexTable t = new IndexTable(n, (int) Math.min(remaining, 40L * n + 4096));
      int[] chunksOf = new int[n];
      for (int i = 0; i < n; i++) {
        int pl = in.need(2).getShort() & 0xffff;
        b = in.need(pl + 1 + 40);
        byte[] path = new byte[pl];
        b.get(path);
        byte kind = b.get();
        if ((kind & ~(IndexTable.KIND_MASK | IndexTable.RACY)) != 0) {
          throw new CorruptObjectException(file + ": bad entry kind");
        }
        t.add(path, kind, b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
        if ((kind & IndexTable.KIND_MASK) == IndexTable.SYMLINK) {
          byte[] target = new byte[in.need(2).getShort() & 0xffff];
          in.need(target.length).get(target);
          t.linkTargets.put(i, target);
        } else {
          b = in.need(ID + 4);
          b.get(t.ids, i * ID, ID);
          chunksOf[i] = b.getInt();
          if (chunksOf[i] < 0) {
            throw new CorruptObjectException(file + ": bad chunk count");
          }
        }
      }
      long total = 0;
      for (int c : chunksOf) {
        total += c;
      }
      if (total != m) {
        throw new CorruptObjectException(file + ": chunk counts do not add up");
      }
      t.chunkIds = new byte[Math.max(m, 1) * ID];
      t.chunkLength = new int[Math.max(m, 1)];
      int start = 0;
      for (int i = 0; i < n; i++) {
        t.chunkStart[i] = start;
        start += chunksOf[i];
      }
      t.chunkStart[n] = start;
      for (int c = 0; c < m; c++) {
        b = in.need(ID + 4);
        b.get(t.chunkIds, c * ID, ID);
        t.chunkLength[c] = b.getInt();
      }
      t.chunkCount = m;
      if (!in.exhausted()) {
        throw new CorruptObjectException(file + ": trailing bytes in index");
      }
      t.legacyTrees = version == VERSION_1;
      return new Loaded(t, params, root, packLength);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new CorruptObjectException(file + ": malformed index file");
    }
  }
}
