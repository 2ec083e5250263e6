package io.chasm.hashtree.index;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.internal.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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
    ByteBuffer b = ByteBuffer.allocate((int) size);
    b.put(MAGIC).put((byte) VERSION).putInt(t.count).putInt(t.chunkCount);
    b.putInt(params.minSize()).putInt(params.avgSize()).putInt(params.maxSize());
    b.put(root.hash().bytes()).putLong(packLength);
    for (int i = 0; i < t.count; i++) {
      int ps = t.pathStart[i];
      int pl = t.pathStart[i + 1] - ps;
      b.putShort((short) pl).put(t.paths, ps, pl).put(t.kinds[i]);
      b.putLong(t.dev[i]).putLong(t.ino[i]).putLong(t.size[i]).putLong(t.mtime[i]).putLong(t.ctime[i]);
      if (t.kind(i) == IndexTable.SYMLINK) {
        byte[] target = t.linkTargets.get(i);
        b.putShort((short) target.length).put(target);
      } else {
        b.put(t.ids, i * ID, ID).putInt(t.chunks(i));
      }
    }
    for (int c = 0; c < t.chunkCount; c++) {
      b.put(t.chunkIds, c * ID, ID).putInt(t.chunkLength[c]);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    b.flip();
    AtomicFiles.write(file, b.array());
  }

  /**
   * @throws CorruptObjectException if the file is damaged in any way (the caller rebuilds)
   */
  static Loaded read(Path file) throws IOException, CorruptObjectException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 4 + 1 + 8 + 12 + ID + 8 + 4) {
      throw new CorruptObjectException(file + ": truncated index file");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) {
      throw new CorruptObjectException(file + ": index checksum mismatch");
    }
    ByteBuffer b = ByteBuffer.wrap(all, 0, all.length - 4);
    try {
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
      if (n < 0 || m < 0 || (long) n * 43 > b.remaining() || (long) m * (ID + 4) > b.remaining()) {
        throw new CorruptObjectException(file + ": bad counts");
      }
      // Sized for the entries read (path bytes grow as needed): no column is copied while loading.
      IndexTable t = new IndexTable(n, Math.min(b.remaining(), 40 * n + 4096));
      int[] chunksOf = new int[n];
      for (int i = 0; i < n; i++) {
        byte[] path = new byte[b.getShort() & 0xffff];
        b.get(path);
        byte kind = b.get();
        if ((kind & ~(IndexTable.KIND_MASK | IndexTable.RACY)) != 0) {
          throw new CorruptObjectException(file + ": bad entry kind");
        }
        t.add(path, kind, b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
        if ((kind & IndexTable.KIND_MASK) == IndexTable.SYMLINK) {
          byte[] target = new byte[b.getShort() & 0xffff];
          b.get(target);
          t.linkTargets.put(i, target);
        } else {
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
        b.get(t.chunkIds, c * ID, ID);
        t.chunkLength[c] = b.getInt();
      }
      t.chunkCount = m;
      if (b.hasRemaining()) {
        throw new CorruptObjectException(file + ": trailing bytes in index");
      }
      t.legacyTrees = version == VERSION_1;
      return new Loaded(t, params, root, packLength);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new CorruptObjectException(file + ": malformed index file");
    }
  }
}
