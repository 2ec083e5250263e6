package io.chasm.hashtree.index;

import io.chasm.api.Hash;
import java.util.Optional;

/**
 * Finds a chunk's bytes in the live files of an indexed tree, so chunks are served with no second
 * copy of the content. Thread-safe.
 */
public interface ChunkLocator {
  /** One place holding the chunk, or empty if no indexed file has it. */
  Optional<ChunkLocation> locate(Hash chunkId);
}
