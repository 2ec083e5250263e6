package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.LongIntMap;
import java.util.Arrays;

/**
 * Which of a worker's rows of a step belongs to (period, artifact, protocol): its HOUR rows
 * ({@link Aggregator}) and its WEEK and MONTH rows ({@link WindowSketches}, one artifact number per
 * artifact and window kind). A worker reads its lines in time order, so per artifact it keeps the
 * row of the latest period seen and, beside it, of the latest period before that: a line's period
 * has a row only if it is one of those two or older than both. A line's row is then one read
 * (w7-B), a line of a new period makes its row without a probe, and the map of all rows is built
 * (from the rows, once per step) only when a line comes from further back; before, every new row,
 * most of a step's lines, was put in it (w8-A). Use: {@link #find}, and when it answers -1 make
 * row {@code made} and call {@link #made}.
 */
final class LatestRowIndex {
  /** The rows made so far in the step (with the artifact numbers given to find), read only to build the map. */
  interface Rows {
    int count();

    long period(int row);

    int art(int row);

    int proto(int row);
  }

  private static final long UNKNOWN = Long.MIN_VALUE; // never a record (1 + row is not 0)
  // Per artifact side by side: the latest and the previous period's row, each as
  // period << 32 | protocol << 30 | 1 + row, 0 = none. By artifact, not (artifact, protocol): a
  // quarter of the memory, and an artifact is nearly always seen with one protocol (a line of
  // another one than the record's goes through the map).
  private long[] last = new long[1024];
  private LongIntMap map = new LongIntMap();
  private boolean mapped; // map holds every row of the step
  // What find left for made: the slot, the period and key, and which record the new row goes to.
  private int slot;
  private long period, key;
  private int proto, goesTo;
  private static final int NONE = 0, LATEST = 1, PREVIOUS = 2;

  /** The row of (period, art, proto), or -1: none yet. */
  int find(long period, int art, int proto, Rows rows) {
    int k = art << 1;
    if (k >= last.length) {
      last = Arrays.copyOf(last, Math.max(k + 2, last.length * 2));
    }
    this.slot = k;
    this.period = period;
    this.proto = proto;
    long l = last[k];
    if ((int) period == period && l != UNKNOWN && (l == 0 || protocol(l) == proto)) {
      if (l != 0 && l >> 32 == period) {
        return row(l);
      }
      if (l == 0 || l >> 32 < period) {
        return none(LATEST, art, proto);
      }
      long p = last[k + 1];
      if (p != 0 && p >> 32 == period) {
        return row(p);
      }
      if (p == 0 || p >> 32 < period) {
        return none(PREVIOUS, art, proto);
      }
    } else {
      // A period out of int range, or a second protocol: the artifact's rows only through the map
      // for the rest of the step.
      last[k] = UNKNOWN;
    }
    if (!mapped) {
      for (int i = 0, n = rows.count(); i < n; i++) {
        map.put(key(rows.period(i), rows.art(i), rows.proto(i)), i);
      }
      mapped = true;
    }
    int i = map.get(key(period, art, proto));
    return i >= 0 ? i : none(NONE, art, proto);
  }

  private int none(int goesTo, int art, int proto) {
    this.goesTo = goesTo;
    if (mapped) {
      key = key(period, art, proto);
    }
    return -1;
  }

  /** Records {@code row}, made for the key that {@link #find} last answered -1 for. */
  void made(int row) {
    long record = period << 32 | (long) proto << 30 | (row + 1);
    if (row + 1 >= 1 << 30) {
      goesTo = NONE; // no room in a record (a billion rows): through the map
      last[slot] = UNKNOWN;
    }
    if (goesTo == LATEST) {
      last[slot + 1] = last[slot];
      last[slot] = record;
    } else if (goesTo == PREVIOUS) {
      last[slot + 1] = record;
    }
    if (mapped) {
      map.put(key, row);
    }
  }

  private static int protocol(long record) {
    return (int) (record >>> 30) & 3;
  }

  private static int row(long record) {
    return (int) (record & ((1 << 30) - 1)) - 1;
  }

  // The worker's row key; it keeps 30 bits of the period, see docs/stats-agent.md "w7-B".
  private static long key(long period, int art, int proto) {
    long key = (period << 34) ^ ((long) art << 2) ^ proto;
    return key == Long.MIN_VALUE ? -1 : key; // the map's empty marker; -1 is no row's key
  }

  /** Forgets the step's rows; {@code release} also drops a map that grew. */
  void clear(boolean release) {
    Arrays.fill(last, 0); // bounded by the worker's artifacts
    if (mapped) {
      if (release) {
        map = new LongIntMap();
      } else {
        map.clear();
      }
      mapped = false;
    }
  }
}
