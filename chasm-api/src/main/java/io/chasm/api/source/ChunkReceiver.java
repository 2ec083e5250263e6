package io.chasm.api.source;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import java.io.IOException;

/**
 * Takes a {@link ChunkSource}'s answers for one batch: each id once, either its bytes or "not
 * held". Called on the source's threads: do quick work (hand the bytes to a writer) and return.
 */
public interface ChunkReceiver {
  /**
   * The bytes of one chunk, owned by the receiver from now on; unverified unless the source
   * {@linkplain ChunkSource#verifiesChunks() verifies chunks}.
   *
   * @throws IOException a local failure (disk full): the batch fails with it
   * @throws ChasmException the bytes do not verify or break a limit: the batch fails with it
   */
  void chunk(Hash id, byte[] data) throws IOException, ChasmException;

  /** The source does not hold {@code id} (or may not send it); another source may. */
  void notHeld(Hash id);

  /**
   * The source does not hold {@code id} because its origin's live tree changed since the snapshot
   * it serves; another source may still hold it. Default: {@link #notHeld(Hash)}.
   */
  default void notHeld(Hash id, OriginChange why) {
    notHeld(id);
  }
}
