package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Ticker;
import io.chasm.hashtree.index.SnapshotIndexWriter;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the stat index of what was just published, so that {@code chasm index} on the mirror
 * rehashes nothing. Best effort: the snapshot is already recorded, and a missing or older index
 * only costs a rehash later.
 */
final class StatIndexUpdate {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatIndexUpdate.class);

  private StatIndexUpdate() {}

  static void write(Path destination, MirrorState state, Snapshot remote, List<FileJob> jobs, List<String> repaired,
      Map<String, SnapshotIndexWriter.PriorStat> touched, Ticker ticker) {
    Map<String, FileManifest> verified = new HashMap<>();
    for (FileJob j : jobs) {
      if (j.manifest != null) {
        verified.put(j.path, j.manifest);
      }
    }
    try {
      long t0 = ticker.nanos();
      SnapshotIndexWriter.Written w = SnapshotIndexWriter.write(destination, state.stateDirectory(), state.objects(),
          remote.rootTree(), remote.chunking(), verified, repaired, touched);
      LOG.debug("stat index written in {} ms: {} entries, {} files trusted, {} to rehash", (ticker.nanos() - t0) / 1_000_000,
          w.entries(), w.trustedFiles(), w.filesToRehash());
    } catch (ChasmException | IOException | RuntimeException e) {
      LOG.warn("stat index not written ({}); the next 'chasm index' rehashes what it cannot trust", e.getMessage());
    }
  }
}
