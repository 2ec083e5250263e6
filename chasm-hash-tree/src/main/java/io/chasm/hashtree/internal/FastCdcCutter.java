package io.chasm.hashtree.internal;

/**
 * The FastCDC 2020 cut rule with normalisation level 1 (tck/SPEC.md section 2), step for step the
 * {@code cut_gear} function of the Rust {@code fastcdc} crate's {@code v2020} module.
 *
 * <p>Not thread-safe: {@link #lastHash()} is kept in a field so {@link #cut} allocates nothing.
 */
public final class FastCdcCutter {
  private final int minSize;
  private final int avgSize;
  private final int maxSize;
  private final long maskS;
  private final long maskL;
  private final long maskSLs;
  private final long maskLLs;
  private long lastHash;

  /** Sizes must already be validated (see {@code ChunkingParams}). */
  public FastCdcCutter(int minSize, int avgSize, int maxSize) {
    this.minSize = minSize;
    this.avgSize = avgSize;
    this.maxSize = maxSize;
    int bits = log2Rounded(avgSize);
    this.maskS = Gear.MASKS[bits + 1];
    this.maskL = Gear.MASKS[bits - 1];
    this.maskSLs = maskS << 1;
    this.maskLLs = maskL << 1;
  }

  /** {@code round(log2(value))}, as the crate computes it with f64 (exact for our int range). */
  static int log2Rounded(int value) {
    return (int) Math.round(Math.log(value) / Math.log(2));
  }

  /** The gear hash at the last cut (the crate's {@code hash}); 0 when the input was {@code <= min}. */
  public long lastHash() {
    return lastHash;
  }

  /**
   * Finds the next cut in {@code src[off, off + len)}.
   *
   * @return the length of the chunk starting at {@code off} (1..len when len > 0)
   */
  public int cut(byte[] src, int off, int len) {
    int remaining = len;
    if (remaining <= minSize) {
      lastHash = 0;
      return remaining;
    }
    int center = avgSize;
    if (remaining > maxSize) {
      remaining = maxSize;
    } else if (remaining < center) {
      center = remaining;
    }
    final long[] gear = Gear.GEAR;
    final long[] gearLs = Gear.GEAR_LS;
    final long mS = maskS;
    final long mSLs = maskSLs;
    final long mL = maskL;
    final long mLLs = maskLLs;
    int limit1 = center >>> 1;
    int limit2 = remaining >>> 1;
    int index = minSize >>> 1;
    long hash = 0;
    // Two bytes per step: the left-shifted table folds the first byte's shift into the lookup.
    while (index < limit1) {
      int a = off + (index << 1);
      hash = (hash << 2) + gearLs[src[a] & 0xff];
      if ((hash & mSLs) == 0) {
        lastHash = hash;
        return a - off;
      }
      hash += gear[src[a + 1] & 0xff];
      if ((hash & mS) == 0) {
        lastHash = hash;
        return a + 1 - off;
      }
      index++;
    }
    while (index < limit2) {
      int a = off + (index << 1);
      hash = (hash << 2) + gearLs[src[a] & 0xff];
      if ((hash & mLLs) == 0) {
        lastHash = hash;
        return a - off;
      }
      hash += gear[src[a + 1] & 0xff];
      if ((hash & mL) == 0) {
        lastHash = hash;
        return a + 1 - off;
      }
      index++;
    }
    lastHash = hash;
    return remaining;
  }
}
