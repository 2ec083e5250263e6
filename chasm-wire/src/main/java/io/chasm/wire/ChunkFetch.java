package io.chasm.wire;

import io.chasm.api.Hash;
import java.util.List;

/**
 * The outcome of a chunk fetch whose chunks went to a {@link ChunkSink}.
 *
 * @param delivered chunks handed to the sink (all verified)
 * @param missing ids the peer said it does not hold (or may not send), in request order
 * @param wireBytes chunk data bytes as received on the wire (compressed size when compressed)
 * @param rawBytes chunk bytes after decompression
 */
public record ChunkFetch(int delivered, List<Hash> missing, long wireBytes, long rawBytes) {
  public ChunkFetch {
    missing = List.copyOf(missing);
  }
}
