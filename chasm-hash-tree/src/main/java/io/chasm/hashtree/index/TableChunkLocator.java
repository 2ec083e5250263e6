package io.chasm.hashtree.index;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A {@link ChunkLocator} over an immutable {@link IndexTable}: an open-addressing table of chunk
 * numbers keyed by the first four digest bytes (4 bytes per slot, load at most 1/2), full ids
 * compared in the table's own chunk array.
 */
final class TableChunkLocator implements ChunkLocator {
  private final Path root;
  private final IndexTable t;
  private final int[] slots; // chunk number + 1, 0 = empty

  TableChunkLocator(Path root, IndexTable t) {
    this.root = root;
    this.t = t;
    int cap = Integer.highestOneBit(Math.max(4, t.chunkCount * 2 - 1)) << 1;
    slots = new int[cap];
    int mask = cap - 1;
    for (int c = 0; c < t.chunkCount; c++) {
      int i = slot(t.chunkIds, c * IndexTable.ID_LENGTH) & mask;
      boolean dup = false;
      while (slots[i] != 0) {
        if (sameId(slots[i] - 1, t.chunkIds, c * IndexTable.ID_LENGTH)) {
          dup = true; // the first occurrence is enough
          break;
        }
        i = (i + 1) & mask;
      }
      if (!dup) {
        slots[i] = c + 1;
      }
    }
  }

  private static int slot(byte[] b, int off) {
    int h = (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    return h * 0x9E3779B9 >>> 1;
  }

  private boolean sameId(int c, byte[] b, int off) {
    int o = c * IndexTable.ID_LENGTH;
    return Arrays.equals(t.chunkIds, o, o + IndexTable.ID_LENGTH, b, off, off + IndexTable.ID_LENGTH);
  }

  long footprint() {
    return 16 + 4L * slots.length;
  }

  @Override
  public Optional<ChunkLocation> locate(Hash chunkId) {
    if (chunkId.algorithm() != HashAlgorithm.SHA_256) {
      return Optional.empty();
    }
    byte[] id = chunkId.bytes();
    int mask = slots.length - 1;
    for (int i = slot(id, 0) & mask; slots[i] != 0; i = (i + 1) & mask) {
      int c = slots[i] - 1;
      if (sameId(c, id, 0)) {
        int e = t.entryOfChunk(c);
        return Optional.of(new ChunkLocation(root.resolve(t.pathString(e)), t.chunkOffset(c), t.chunkLength[c]));
      }
    }
    return Optional.empty();
  }
}
