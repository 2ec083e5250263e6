package io.chasm.hashtree.chunk;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import java.util.Objects;

/**
 * One content-defined chunk of a file: where it is and what it hashes to.
 *
 * @param offset byte offset of the chunk in its file, {@code >= 0}
 * @param length chunk length in bytes, {@code >= 1}
 * @param id SHA-256 of the chunk's bytes
 */
public record Chunk(long offset, int length, Hash id) {
  /**
   * @throws IllegalArgumentException if offset is negative or length not positive
   */
  public Chunk {
    Objects.requireNonNull(id, "id");
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException("chunk needs offset >= 0 and length > 0, got " + offset + "+" + length);
    }
  }

  /** The chunk's object id ({@code chunk:sha256:...}). */
  public ObjectId objectId() {
    return ObjectId.chunk(id);
  }

  /** Offset of the first byte after this chunk. */
  public long end() {
    return offset + length;
  }
}
