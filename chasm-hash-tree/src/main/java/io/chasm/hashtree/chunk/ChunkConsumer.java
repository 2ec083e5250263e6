package io.chasm.hashtree.chunk;

import java.io.IOException;

/** Receives chunks in file order while a {@link Chunker} streams over its input. */
@FunctionalInterface
public interface ChunkConsumer {
  /**
   * Called once per chunk.
   *
   * @param chunk the chunk's position, length and id
   * @param buffer holds the chunk's bytes at {@code [bufferOffset, bufferOffset + chunk.length())};
   *     valid only during this call (the chunker reuses it)
   * @param bufferOffset where the chunk starts in {@code buffer}
   * @throws IOException to abort chunking; it propagates to the caller
   */
  void accept(Chunk chunk, byte[] buffer, int bufferOffset) throws IOException;
}
