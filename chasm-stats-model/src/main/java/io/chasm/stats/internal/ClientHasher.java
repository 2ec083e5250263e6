package io.chasm.stats.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256(day secret, client address bytes), first 8 bytes as a long: the only form in which
 * a client ever reaches a sketch. A small direct-mapped cache avoids recomputing the MAC for the
 * heavy hitters; it lives in memory only and is dropped with the hasher.
 */
public final class ClientHasher {
  // 64 Ki entries (a few MiB): mirror clients are heavy-tailed, so most lines hit.
  private static final int CACHE = 1 << 16;
  private static final int MAX_KEY = 64;
  private final PeriodSecrets secrets;
  private final byte[][] cacheKey = new byte[CACHE][];
  private final long[] cacheDay = new long[CACHE];
  private final long[] cacheVal = new long[CACHE];
  private final byte[] out = new byte[32];
  private Mac mac;
  private long macDay = Long.MIN_VALUE;

  public ClientHasher(PeriodSecrets secrets) {
    this.secrets = secrets;
  }

  /**
   * @return the keyed hash, or 0 when the day is closed (its secret is gone)
   */
  public long hash(long day, byte[] b, int s, int e) {
    int len = e - s;
    int slot = len <= MAX_KEY ? (ArtifactTable.hash(b, s, e) ^ (int) day) & (CACHE - 1) : -1;
    if (slot >= 0) {
      byte[] k = cacheKey[slot];
      if (k != null && cacheDay[slot] == day && k.length == len
          && Arrays.equals(k, 0, len, b, s, e)) {
        return cacheVal[slot];
      }
    }
    if (day != macDay) {
      byte[] secret = secrets.secret(day);
      if (secret == null) {
        return 0;
      }
      try {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException("HmacSHA256 unavailable", ex);
      }
      macDay = day;
    }
    mac.update(b, s, len);
    try {
      mac.doFinal(out, 0);
    } catch (javax.crypto.ShortBufferException ex) {
      throw new IllegalStateException(ex);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (out[i] & 0xff);
    }
    if (v == 0) {
      v = 1;
    }
    if (slot >= 0) {
      byte[] k = cacheKey[slot];
      if (k == null || k.length != len) {
        k = new byte[len];
        cacheKey[slot] = k;
      }
      System.arraycopy(b, s, k, 0, len);
      cacheDay[slot] = day;
      cacheVal[slot] = v;
    }
    return v;
  }
}
