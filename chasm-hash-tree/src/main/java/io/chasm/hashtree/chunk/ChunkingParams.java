package io.chasm.hashtree.chunk;

/**
 * The parameters of FastCDC 2020 content-defined chunking (normalisation level 1, the gear table of
 * tck/SPEC.md section 2). Two parties that chunk the same bytes with equal parameters get the same
 * cut points; a snapshot records the parameters its tree was chunked with.
 *
 * <p>Allowed ranges are those of the reference Rust crate: {@code 64 <= minSize <= 1 MiB}, {@code
 * 256 <= avgSize <= 4 MiB}, {@code 1 KiB <= maxSize <= 16 MiB}, and {@code minSize <= avgSize <=
 * maxSize}.
 *
 * @param minSize no chunk is shorter, except the last chunk of a file
 * @param avgSize the targeted (normalised) chunk size; its rounded base-2 log selects the masks
 * @param maxSize no chunk is longer
 */
public record ChunkingParams(int minSize, int avgSize, int maxSize) {
  /** 16 KiB / 64 KiB / 256 KiB: CHASM's default. */
  public static final ChunkingParams DEFAULT = new ChunkingParams(16 * 1024, 64 * 1024, 256 * 1024);

  public static final int MINIMUM_MIN = 64;
  public static final int MINIMUM_MAX = 1 << 20;
  public static final int AVERAGE_MIN = 256;
  public static final int AVERAGE_MAX = 4 << 20;
  public static final int MAXIMUM_MIN = 1024;
  public static final int MAXIMUM_MAX = 16 << 20;

  /** The normalisation level; fixed at 1 in format version 1. */
  public static final int NORMALIZATION_LEVEL = 1;

  /**
   * @throws IllegalArgumentException if a size is outside its range or the sizes are not ordered
   */
  public ChunkingParams {
    check("minSize", minSize, MINIMUM_MIN, MINIMUM_MAX);
    check("avgSize", avgSize, AVERAGE_MIN, AVERAGE_MAX);
    check("maxSize", maxSize, MAXIMUM_MIN, MAXIMUM_MAX);
    if (minSize > avgSize || avgSize > maxSize) {
      throw new IllegalArgumentException(
          "chunk sizes must satisfy min <= avg <= max, got " + minSize + "/" + avgSize + "/" + maxSize);
    }
  }

  private static void check(String name, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + v);
    }
  }

  @Override
  public String toString() {
    return "fastcdc2020(min=" + minSize + ", avg=" + avgSize + ", max=" + maxSize + ", nc=1)";
  }
}
