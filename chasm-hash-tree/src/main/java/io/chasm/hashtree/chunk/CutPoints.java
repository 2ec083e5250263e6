package io.chasm.hashtree.chunk;

import io.chasm.hashtree.internal.FastCdcCutter;
import io.chasm.hashtree.internal.Gear;

/**
 * The bare FastCDC 2020 cut rule (tck/SPEC.md section 2) with the gear hash at each cut, the value
 * the Rust {@code fastcdc} crate reports: for alternate implementers and the TCK, who compare cut
 * points and gear values, not chunk ids. Applications use {@link Chunker}, which cuts with the same
 * rule and hashes the chunks.
 *
 * <p>Not thread-safe: {@link #lastHash()} belongs to the last {@link #cut}.
 */
public final class CutPoints {
  private final FastCdcCutter cutter;

  public CutPoints(ChunkingParams params) {
    this.cutter = new FastCdcCutter(params.minSize(), params.avgSize(), params.maxSize());
  }

  /**
   * Finds the next cut in {@code src[off, off + len)}.
   *
   * @return the length of the chunk starting at {@code off} (1..len when len > 0)
   */
  public int cut(byte[] src, int off, int len) {
    return cutter.cut(src, off, len);
  }

  /** The gear hash at the last cut (the crate's {@code hash}); 0 when the input was {@code <= min}. */
  public long lastHash() {
    return cutter.lastHash();
  }

  /** A copy of the 256 gear values (SPEC section 2). */
  public static long[] gearTable() {
    return Gear.gearTable();
  }

  /** A copy of the mask table, indexed by the base-2 log of the average chunk size. */
  public static long[] maskTable() {
    return Gear.maskTable();
  }
}
