package io.chasm.api.source;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import java.io.IOException;
import java.util.Optional;

/**
 * Somewhere chunks can be read from by id: the live files of a local tree (through its index),
 * a remote peer, a plain HTTP mirror through range requests.
 *
 * <p>A source is not trusted: callers verify every returned chunk against its id before using it
 * (the library's readers do this for you).
 */
public interface ChunkSource {
  /**
   * Reads a chunk.
   *
   * @return the chunk's bytes, unverified, or empty if this source does not hold it
   * @throws IOException if the source failed while reading
   * @throws ChasmException if the source broke a protocol or limit
   */
  Optional<byte[]> read(Hash chunkId) throws IOException, ChasmException;
}
