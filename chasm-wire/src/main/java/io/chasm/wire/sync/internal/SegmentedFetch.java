package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.publish.StagedFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The manifests, staging and chunks of a run as one pipeline rather than phase after phase: a
 * planner thread fetches the manifests of the plan's files a segment at a time, stages the
 * segment and lists its chunks, while the calling thread fetches the chunks of the segments
 * already listed. Measured before (docs/benchmarks.md): an initial sync of 46,768 files spent
 * 3.3 s on manifests and staging with the link idle, then the chunks.
 *
 * <p>Segments are fetched in order, one chunk fetch after another, so a content shared by paths of
 * two segments is fetched once (by the first) and is complete before the second's fetch ends.
 * Failures of either side end both: the planner's surface on the calling thread, typed as thrown.
 */
final class SegmentedFetch {
  /** Files per segment: big enough that a chunk fetch amortises its start and its end game. */
  static final int SEGMENT_FILES = 4096;
  private static final Object END = new Object();

  /** One segment's manifests fetched, files staged, local chunks reused; returns what is left to fetch. */
  interface Planner {
    ChunkNeeds plan(List<FileJob> segment, Set<StagedFile> listed) throws ChasmException, IOException;
  }

  /** Fetches one segment's chunks. */
  interface Fetcher {
    void fetch(ChunkNeeds needs) throws ChasmException, IOException;
  }

  private SegmentedFetch() {}

  /** Whether a plan of {@code files} files is worth splitting (at least two segments). */
  static boolean worthIt(int files) {
    return files >= 2 * SEGMENT_FILES;
  }

  /** @return the chunks listed to fetch, over all segments */
  static long run(List<FileJob> jobs, Planner planner, Fetcher fetcher) throws ChasmException, IOException {
    BlockingQueue<Object> ready = new ArrayBlockingQueue<>(2); // bounds the manifests held ahead
    Set<StagedFile> listed = new HashSet<>();
    Thread t = new Thread(() -> {
      try {
        for (int from = 0; from < jobs.size(); from += SEGMENT_FILES) {
          ready.put(planner.plan(jobs.subList(from, Math.min(jobs.size(), from + SEGMENT_FILES)), listed));
        }
        ready.put(END);
      } catch (InterruptedException e) {
        // the fetching side failed and stopped us
      } catch (ChasmException | IOException | RuntimeException | Error e) {
        ready.clear(); // the failure goes ahead of any segment still queued
        ready.offer(e);
      }
    }, "chasm-sync-planner");
    t.setDaemon(true);
    t.start();
    long chunks = 0;
    boolean ok = false;
    try {
      for (Object o = take(ready); o != END; o = take(ready)) {
        if (o instanceof ChunkNeeds needs) {
          chunks += needs.order.size();
          fetcher.fetch(needs);
        } else {
          Upstreams.rethrow((Throwable) o);
        }
      }
      ok = true;
    } finally {
      if (!ok) {
        t.interrupt();
      }
      join(t);
    }
    return chunks;
  }

  private static Object take(BlockingQueue<Object> q) throws InterruptedIOException {
    try {
      return q.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for manifests");
    }
  }

  private static void join(Thread t) throws InterruptedIOException {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping the planner");
    }
  }
}
