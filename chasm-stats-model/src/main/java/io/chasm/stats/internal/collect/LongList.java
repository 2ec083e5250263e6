package io.chasm.stats.internal.collect;

import java.util.Arrays;

/** A growable array of longs (no boxing), for a step's packed (row, coupon) pairs. */
public final class LongList {
  private static final int INITIAL = 256;
  private long[] values = new long[INITIAL];
  private int size;

  public LongList() {}

  private LongList(long[] values, int size) {
    this.values = values;
    this.size = size;
  }

  /** A list of {@code values[0 .. size)}, kept (not copied) until it grows. */
  public static LongList wrap(long[] values, int size) {
    return new LongList(values.length == 0 ? new long[INITIAL] : values, size);
  }

  public void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  public int size() {
    return size;
  }

  /** The backing array: valid from 0 to {@link #size()}; callers may reorder that range. */
  public long[] array() {
    return values;
  }

  /** Empties it, keeping its array (a step's pairs are a few MiB at most, not regrown every step). */
  public void clear() {
    size = 0;
  }
}
