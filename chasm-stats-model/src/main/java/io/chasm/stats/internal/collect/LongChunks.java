package io.chasm.stats.internal.collect;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only sequence of longs kept in chunks of {@link #CHUNK} values: it grows without
 * copying and holds at most one chunk it does not need, where a doubling array copies everything
 * at each growth and is up to half empty (a step's coupon lists were just past a power of two on
 * the benchmark's log: half of each array unused at the step end, the run's peak; w7-A). Chunks
 * are handed away whole with {@link #take}.
 */
public final class LongChunks {
  /** Values per chunk (512 KiB). */
  public static final int CHUNK = 1 << 16;
  private final List<long[]> full = new ArrayList<>();
  private long[] last = new long[256];
  private int lastSize;

  public void add(long v) {
    if (lastSize == last.length) {
      if (last.length < CHUNK) {
        last = java.util.Arrays.copyOf(last, Math.min(CHUNK, last.length * 4));
      } else {
        full.add(last);
        last = new long[CHUNK];
        lastSize = 0;
      }
    }
    last[lastSize++] = v;
  }

  public long size() {
    return (long) full.size() * CHUNK + lastSize;
  }

  /** Receives one chunk: {@code values[0 .. n)}, the receiver's to keep and change. */
  public interface ChunkSink {
    void accept(long[] values, int n);
  }

  /** Hands every chunk, in order, to {@code sink} and starts again empty. */
  public void take(ChunkSink sink) {
    for (long[] c : full) {
      sink.accept(c, CHUNK);
    }
    if (lastSize > 0) {
      sink.accept(last, lastSize);
    }
    clear();
  }

  /** Drops every value and starts again empty. */
  public void clear() {
    full.clear();
    last = new long[256];
    lastSize = 0;
  }
}
