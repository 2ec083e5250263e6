package io.chasm.stats.internal.collect;

import java.util.Arrays;

/**
 * Open-addressing map from long keys to non-negative ints; -1 means absent. No boxing. In a package
 * of its own so that the public model package (the delta's row index) can use it without a cycle.
 */
public final class LongIntMap {
  private static final long EMPTY = Long.MIN_VALUE;
  private long[] keys = new long[1024];
  private int[] vals = new int[1024];
  private int size;

  public LongIntMap() {
    Arrays.fill(keys, EMPTY);
  }

  public int size() {
    return size;
  }

  private static int slot(long k, int mask) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  public int get(long k) {
    int mask = keys.length - 1;
    for (int i = slot(k, mask); ; i = (i + 1) & mask) {
      long x = keys[i];
      if (x == k) {
        return vals[i];
      }
      if (x == EMPTY) {
        return -1;
      }
    }
  }

  /** Stores k → v; k must not be Long.MIN_VALUE. */
  public void put(long k, int v) {
    int mask = keys.length - 1;
    int i = slot(k, mask);
    while (keys[i] != EMPTY && keys[i] != k) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      size++;
    }
    keys[i] = k;
    vals[i] = v;
    if (size * 2 > keys.length) {
      long[] ok = keys;
      int[] ov = vals;
      keys = new long[ok.length * 2];
      vals = new int[ok.length * 2];
      Arrays.fill(keys, EMPTY);
      size = 0;
      for (int j = 0; j < ok.length; j++) {
        if (ok[j] != EMPTY) {
          put(ok[j], ov[j]);
        }
      }
    }
  }

  public void clear() {
    Arrays.fill(keys, EMPTY);
    size = 0;
  }
}
