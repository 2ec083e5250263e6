package io.chasm.wire.get;

import io.chasm.api.ObjectId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A finished {@link VerifiedDownload}: the file is in place and is exactly the file the signed
 * snapshot names at {@code path}.
 *
 * @param path the tree path downloaded
 * @param file where it was written
 * @param sequence the snapshot it was verified against
 * @param fileId the file id (Merkle root) the signed tree gives for it
 * @param size its length in bytes
 * @param bytesBySource chunk bytes each source delivered (verified), by source name
 * @param dropped the sources stopped before the end, as {@code "name: reason"} (refused for bad
 *     data, with the evidence, or dropped for failing)
 */
public record Download(String path, Path file, long sequence, ObjectId fileId, long size,
    Map<String, Long> bytesBySource, List<String> dropped) {
  public Download {
    bytesBySource = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bytesBySource));
    dropped = List.copyOf(dropped);
  }
}
