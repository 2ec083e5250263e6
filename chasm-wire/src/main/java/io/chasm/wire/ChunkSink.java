package io.chasm.wire;

import io.chasm.api.Hash;
import java.io.IOException;

/**
 * Receives fetched chunks, already verified against their ids, in request order.
 *
 * <p>Called on the client's reader thread: write the bytes somewhere (a staging file) and return;
 * do not wait for other replies of the same client there, or the client stalls. A slow sink slows
 * the sender through flow control, which is the intended back-pressure.
 */
@FunctionalInterface
public interface ChunkSink {
  /**
   * @param data the chunk's bytes, owned by the sink from now on
   * @throws IOException to abort the fetch (the fetch's future fails with it)
   */
  void accept(Hash id, byte[] data) throws IOException;
}
