package io.chasm.wire;

import io.chasm.api.Hash;
import io.chasm.api.source.OriginChange;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a chunk fetch whose chunks went to a {@link ChunkSink}.
 *
 * @param delivered chunks handed to the sink (all verified)
 * @param missing ids the peer said it does not hold (or may not send), in request order
 * @param wireBytes chunk data bytes as received on the wire (compressed size when compressed)
 * @param rawBytes chunk bytes after decompression
 * @param changed for some of the missing ids, the peer's reason: its origin changed (SPEC §9.18)
 */
public record ChunkFetch(int delivered, List<Hash> missing, long wireBytes, long rawBytes, Map<Hash, OriginChange> changed) {
  public ChunkFetch {
    missing = List.copyOf(missing);
    changed = Map.copyOf(changed);
  }

  /** A fetch without reasons for the missing ids. */
  public ChunkFetch(int delivered, List<Hash> missing, long wireBytes, long rawBytes) {
    this(delivered, missing, wireBytes, rawBytes, Map.of());
  }
}
