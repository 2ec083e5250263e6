package io.chasm.wire.sync;

import java.net.URI;
import java.util.List;

/**
 * What one sync did.
 *
 * @param sequence the local snapshot sequence after the sync
 * @param upToDate true if nothing had to change
 * @param bytesReceived bytes read from all upstreams (frames included)
 * @param bytesSent bytes written to all upstreams
 * @param chunksFetched chunks received over the network
 * @param chunksReused chunks copied from local files (old versions, other files, staged data)
 * @param filesAdded regular files that did not exist in the old snapshot
 * @param filesChanged regular files with new content
 * @param filesDeleted regular files removed
 * @param seconds wall-clock time of the sync
 * @param banned upstreams dropped for misbehaving, with the reason
 * @param skippedSymlinks paths of the snapshot's symlinks not created because their target is
 *     absolute or leaves the tree (docs/sync.md); everything else was published
 * @param repaired paths of the local snapshot written again because the live tree no longer held
 *     them as published (missing, changed stat; with verify-all, changed content), depth first;
 *     a repair alone leaves {@code sequence} as it was and {@code upToDate} false
 */
public record SyncResult(
    long sequence,
    boolean upToDate,
    long bytesReceived,
    long bytesSent,
    long chunksFetched,
    long chunksReused,
    long filesAdded,
    long filesChanged,
    long filesDeleted,
    double seconds,
    List<String> banned,
    List<String> skippedSymlinks,
    List<String> repaired) {
  public SyncResult {
    banned = List.copyOf(banned);
    skippedSymlinks = List.copyOf(skippedSymlinks);
    repaired = List.copyOf(repaired);
  }

  static String ban(URI uri, String reason) {
    return uri + ": " + reason;
  }
}
