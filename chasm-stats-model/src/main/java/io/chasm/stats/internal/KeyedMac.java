package io.chasm.stats.internal;

/**
 * The keyed hash of client addresses under one window's secret at a time (SPEC §11.6), never 0 (a
 * 0 means "window closed" to callers). A 128-bit secret keys SipHash-2-4, the PRF made for short
 * inputs; a 256-bit secret is one an earlier release made for a window that is still open, whose
 * sketches already hold HMAC-SHA256 values, so it keeps that hash until the window closes (a
 * client seen before and after an upgrade then counts once).
 */
final class KeyedMac {
  /** Bytes of a secret made now (a SipHash key); {@link #LEGACY_SECRET} for the former HMAC key. */
  static final int SECRET = 16;
  static final int LEGACY_SECRET = 32;
  private final SipHash sip = new SipHash();
  private HmacSha256 hmac;
  private boolean legacy;

  void key(byte[] secret) {
    legacy = secret.length != SECRET;
    if (legacy) {
      if (hmac == null) {
        hmac = new HmacSha256();
      }
      hmac.key(secret);
    } else {
      sip.key(secret);
    }
  }

  long mac(byte[] b, int s, int len) {
    long v = legacy ? hmac.mac(b, s, len) : sip.hash(b, s, len);
    return v == 0 ? 1 : v;
  }
}
