package io.chasm.hashtree.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The FastCDC 2020 constants (tck/SPEC.md section 2). They are the ones of the Rust {@code fastcdc}
 * crate's {@code v2020} module (and of the C reference in destor) so that cut points match other
 * implementations byte for byte.
 *
 * <p>{@code GEAR[i]} is the first 8 bytes (big-endian) of MD5 over 64 bytes all equal to {@code
 * i}; it is derived here rather than pasted so the rule in the spec is the code.
 * {@code GEAR_LS[i] = GEAR[i] << 1} serves the "two bytes per step" loop (paper section 3.7).
 * {@code MASKS[b]} is the mask for an average chunk size of about {@code 2^b} bytes.
 */
public final class Gear {
  private Gear() {}

  static final long[] GEAR = new long[256];
  static final long[] GEAR_LS = new long[256];

  static {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required by the Java platform", e);
    }
    byte[] seed = new byte[64];
    for (int i = 0; i < 256; i++) {
      Arrays.fill(seed, (byte) i);
      byte[] d = md5.digest(seed);
      long v = 0;
      for (int j = 0; j < 8; j++) {
        v = (v << 8) | (d[j] & 0xff);
      }
      GEAR[i] = v;
      GEAR_LS[i] = v << 1;
    }
  }

  static final long[] MASKS = {
    0L,
    0L,
    0L,
    0L,
    0L,
    0x0000000001804110L,
    0x0000000001803110L,
    0x0000000018035100L,
    0x0000001800035300L,
    0x0000019000353000L,
    0x0000590003530000L,
    0x0000d90003530000L,
    0x0000d90103530000L,
    0x0000d90303530000L,
    0x0000d90313530000L,
    0x0000d90f03530000L,
    0x0000d90303537000L,
    0x0000d90703537000L,
    0x0000d90707537000L,
    0x0000d91707537000L,
    0x0000d91747537000L,
    0x0000d91767537000L,
    0x0000d93767537000L,
    0x0000d93777537000L,
    0x0000d93777577000L,
    0x0000db3777577000L,
  };

  /** A copy of the gear table. */
  public static long[] gearTable() {
    return GEAR.clone();
  }

  /** A copy of the mask table, indexed by bits. */
  public static long[] maskTable() {
    return MASKS.clone();
  }
}
