package io.chasm.hashtree.index;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of an index run, safe to read from another thread (e.g. to draw a progress bar).
 */
public final class IndexProgress {
  final AtomicLong entriesSeen = new AtomicLong();
  final AtomicLong filesToHash = new AtomicLong();
  final AtomicLong bytesToHash = new AtomicLong();
  final AtomicLong filesHashed = new AtomicLong();
  final AtomicLong bytesHashed = new AtomicLong();
  volatile boolean walkDone;

  /** Files, directories and symlinks stat'ed so far. */
  public long entriesSeen() {
    return entriesSeen.get();
  }

  /** Files found new or changed so far (they are hashed). */
  public long filesToHash() {
    return filesToHash.get();
  }

  public long bytesToHash() {
    return bytesToHash.get();
  }

  public long filesHashed() {
    return filesHashed.get();
  }

  public long bytesHashed() {
    return bytesHashed.get();
  }

  /** True once the directory walk is complete, so the totals to hash are final. */
  public boolean walkDone() {
    return walkDone;
  }
}
