package io.chasm.wire.sync;

import io.chasm.hashtree.snapshot.Snapshot;
import java.net.URI;

/**
 * Observes a sync as it runs (progress bars, logs, a daemon's status page). Every method has an
 * empty default; calls come from the sync's threads, one at a time per method but possibly from
 * several threads overall, so keep them quick and thread-safe.
 */
public interface SyncListener {
  /** The head chosen: {@code remote}, replacing {@code local} (null on a first sync). */
  default void headAccepted(Snapshot remote, Snapshot local) {}

  /** The local tree already is the newest snapshot. */
  default void upToDate(Snapshot local) {}

  /**
   * What the sync will do, once the trees and manifests are known. A large initial sync fetches
   * manifests and chunks as one pipeline and calls this once per segment of the plan, with the
   * totals so far (chunks already arriving); may be called from another thread than the sync's.
   */
  default void planned(int files, long chunksToFetch, long chunksReused) {}

  /** Some chunks arrived (verified and staged). */
  default void chunksFetched(int count, long bytes) {}

  /** A symlink of the snapshot is not created: its target is absolute or leaves the tree. */
  default void symlinkSkipped(String path, String reason) {}

  /** An upstream is dropped for the rest of this sync. */
  default void peerBanned(URI upstream, String reason) {}

  /** The new snapshot is live and recorded. */
  default void published(Snapshot snapshot) {}

  SyncListener NONE = new SyncListener() {};
}
