package io.chasm.stats;

import io.chasm.stats.internal.hll.CouponImages;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/** The unique-downloader sketches as a batch carries them (SPEC §11.6). */
public final class UniqueSketches {
  private static final int MODE_BYTE = 7;
  private static final int CUR_MODE_MASK = 3;
  private static final int CUR_MODE_HLL = 2;
  private static final int TGT_TYPE_MASK = 12;

  private UniqueSketches() {}

  /**
   * The HLL coupon {@code HllSketch.update(clientHash)} adds (never 0), for {@link
   * StatsDelta#addUniqueCoupon}.
   */
  public static int coupon(long clientHash) {
    return CouponImages.coupon(clientHash);
  }

  /** A row index (from 0) and a coupon packed as {@link StatsDelta#takeUniqueCoupons} takes them. */
  public static long pair(int row, int coupon) {
    if (row < 0) {
      throw new IllegalArgumentException("row " + row);
    }
    return CouponImages.pack(row, coupon);
  }

  /**
   * The compact bytes of {@code s} as an HLL_4 sketch (half the bytes of HLL_8). A sketch still in
   * its list or set mode (most rows: a few downloaders) serialises its coupons whatever its target
   * type, which only the mode byte names; so its bytes are taken as they are and that byte set
   * to HLL_4, instead of copying the sketch (the copies were a tenth of the spooling thread, JFR,
   * w4-A). A sketch in HLL mode is converted.
   */
  public static byte[] hll4Bytes(HllSketch s) {
    if (s.getTgtHllType() == TgtHllType.HLL_4) {
      return s.toCompactByteArray();
    }
    if (s.getTgtHllType() == TgtHllType.HLL_8) {
      byte[] b = s.toCompactByteArray();
      if (b.length > MODE_BYTE && (b[MODE_BYTE] & CUR_MODE_MASK) != CUR_MODE_HLL) {
        b[MODE_BYTE] = (byte) (b[MODE_BYTE] & ~TGT_TYPE_MASK); // HLL_4 is type 0
        return b;
      }
    }
    return s.copyAs(TgtHllType.HLL_4).toCompactByteArray();
  }
}
