package io.chasm.wire.stats.internal;

import io.chasm.stats.StatsDelta;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encodes a delta's batch parts on all cores and hands them to the caller's consumer one at a
 * time, in part order, on the calling thread, so writing and fsync order stay exactly as before.
 * At a step end the scan's workers wait, and encoding was a third of the samples on one thread
 * (JFR, w4-A/w5-A). Parts are independent: each task has its own {@link BatchWriter}; each row's
 * sketch is read by one task (a union's result is made from the union of its row only), and the
 * worker sketches a HOUR and its DAY row may share are only read (DataSketches' serialisation
 * writes no field). At most {@link #AHEAD} parts are encoded and not yet consumed, so memory
 * stays at a few parts. Tasks take part numbers in order after taking a permit, so the part the
 * consumer waits for always gets encoded (no deadlock).
 */
public final class PartEncoder {
  /** Receives one part. */
  public interface PartSink {
    void accept(BatchWriter.Part part) throws IOException;
  }

  private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final int AHEAD = 2 * THREADS;
  private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "chasm-stats-encode");
    t.setDaemon(true);
    return t;
  });

  private PartEncoder() {}

  /** Encodes {@code order} in parts of {@code maxRows} rows (at least one part). */
  public static void encode(String mirrorId, StatsDelta delta, int[] order, int maxRows,
      long createdUnix, PartSink sink) throws IOException {
    encode(mirrorId, delta, order, maxRows, createdUnix, null, sink);
  }

  /** As above, with the run's artifact names as UTF-8 (null: each writer encodes its own). */
  public static void encode(String mirrorId, StatsDelta delta, int[] order, int maxRows,
      long createdUnix, ArtifactUtf8 names, PartSink sink) throws IOException {
    int parts = Math.max(1, (order.length + maxRows - 1) / maxRows);
    if (parts == 1 || THREADS == 1) {
      BatchWriter w = new BatchWriter(mirrorId, delta, createdUnix, names);
      for (int k = 0; k < parts; k++) {
        sink.accept(w.write(order, k * maxRows, Math.min(order.length, (k + 1) * maxRows), k, parts));
      }
      return;
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<BatchWriter.Part>[] done = new CompletableFuture[parts];
    for (int k = 0; k < parts; k++) {
      done[k] = new CompletableFuture<>();
    }
    AtomicInteger next = new AtomicInteger();
    Semaphore window = new Semaphore(AHEAD);
    int tasks = Math.min(THREADS, parts);
    CompletableFuture<?>[] running = new CompletableFuture[tasks];
    for (int t = 0; t < tasks; t++) {
      running[t] = CompletableFuture.runAsync(() -> {
        BatchWriter w = new BatchWriter(mirrorId, delta, createdUnix, names);
        while (true) {
          window.acquireUninterruptibly();
          int k = next.getAndIncrement();
          if (k >= parts) {
            window.release();
            return;
          }
          try {
            done[k].complete(w.write(order, k * maxRows, Math.min(order.length, (k + 1) * maxRows),
                k, parts));
          } catch (Throwable e) {
            done[k].completeExceptionally(e);
          }
        }
      }, POOL);
    }
    try {
      for (int k = 0; k < parts; k++) {
        BatchWriter.Part p;
        try {
          p = done[k].join();
        } catch (java.util.concurrent.CompletionException e) {
          Throwable c = e.getCause();
          if (c instanceof Error err) {
            throw err;
          }
          throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        }
        done[k] = null;
        sink.accept(p);
        window.release();
      }
    } finally {
      // On a failure: no part beyond the last is taken, and no task outlives this call (the
      // delta must not be read after it returns).
      next.set(parts);
      window.release(AHEAD + tasks);
      CompletableFuture.allOf(running).exceptionally(e -> null).join();
    }
  }
}
