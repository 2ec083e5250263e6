package io.chasm.wire.sync.internal;

import io.chasm.hashtree.snapshot.Snapshot;

/** What a run reports as it goes; the public facade passes these on to its listener. */
public interface RunEvents {
  void headAccepted(Snapshot remote, Snapshot local);

  void upToDate(Snapshot local);

  void planned(int files, long chunksToFetch, long chunksReused);

  void chunksFetched(int count, long bytes);

  void symlinkSkipped(String path, String reason);

  void published(Snapshot snapshot);
}
