package io.chasm.stats.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256(day secret, client address bytes), first 8 bytes as a long: the only form in which
 * a client ever reaches a sketch. Mirror clients repeat a lot (heavy-tailed), so the MAC of each
 * address seen on the current day is remembered in a bounded open-addressing map (addresses in one
 * byte arena, no object per entry), emptied when the day changes or it is full. It lives in memory
 * only and is dropped with the hasher.
 */
public final class ClientHasher {
  private static final int SLOTS = 1 << 18;
  private static final int MAX_ENTRIES = SLOTS / 2;
  private static final int MAX_KEY = 64;
  private static final int ARENA = 4 << 20;
  private final PeriodSecrets secrets;
  // Slot -> 1 + arena offset of the address (0 = empty); the arena holds a length byte + bytes.
  private final int[] slotOff = new int[SLOTS];
  private final int[] slotHash = new int[SLOTS];
  private final long[] slotVal = new long[SLOTS];
  private final byte[] arena = new byte[ARENA];
  private int arenaUsed;
  private int entries;
  private long cacheDay = Long.MIN_VALUE;
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
    int slot = -1;
    int h = 0;
    if (len <= MAX_KEY) {
      if (day != cacheDay || entries >= MAX_ENTRIES || arenaUsed + 1 + len > ARENA) {
        clearCache(day);
      }
      h = ArtifactTable.hash(b, s, e);
      byte[] a = arena;
      for (slot = h & (SLOTS - 1); ; slot = (slot + 1) & (SLOTS - 1)) {
        int off = slotOff[slot];
        if (off == 0) {
          break;
        }
        if (slotHash[slot] == h && a[off - 1] == len
            && Arrays.equals(a, off, off + len, b, s, e)) {
          return slotVal[slot];
        }
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
      arena[arenaUsed] = (byte) len;
      System.arraycopy(b, s, arena, arenaUsed + 1, len);
      slotOff[slot] = arenaUsed + 1;
      arenaUsed += 1 + len;
      slotHash[slot] = h;
      slotVal[slot] = v;
      entries++;
    }
    return v;
  }

  private void clearCache(long day) {
    Arrays.fill(slotOff, 0);
    Arrays.fill(arena, 0, arenaUsed, (byte) 0);
    arenaUsed = 0;
    entries = 0;
    cacheDay = day;
  }
}
