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

  /** Keeps the first {@code n} values (after a caller compacted them in {@link #array()}). */
  public void truncate(int n) {
    size = Math.min(size, n);
  }

  /** Empties it; {@code releaseAbove} drops the array when it grew past that many values. */
  public void clear(int releaseAbove) {
    size = 0;
    if (values.length > releaseAbove) {
      values = new long[INITIAL];
    }
  }
}
