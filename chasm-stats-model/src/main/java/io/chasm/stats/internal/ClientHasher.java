package io.chasm.stats.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256(window secret, client address bytes), first 8 bytes as a long: the only form in
 * which a client ever reaches a sketch. One hasher serves one kind of window (day, week or month,
 * each with its own secrets). Mirror clients repeat a lot (heavy-tailed), so the MAC of each
 * address seen in the current window is remembered: it is computed once per distinct address and
 * window, up to {@code 2^(slotsLog2-1)} addresses (then the cache empties and refills). The
 * cache is one slot array (hash and arena offset in one long) and one byte arena (length,
 * address, MAC), so a hit reads two places in memory. It lives in memory only and is dropped with
 * the hasher.
 */
public final class ClientHasher {
  private static final int MAX_KEY = 64;
  private static final int BLOCK = 64; // SHA-256 block size, for HMAC's padded keys
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private final PeriodSecrets secrets;
  private final io.chasm.stats.Window window;
  private final int mask;
  private final int maxEntries;
  // Slot: high 32 bits the address hash, low 32 bits 1 + arena offset of the entry (0 = empty).
  // Entry: length byte, address bytes, the 8-byte value.
  private final long[] slots;
  private final byte[] arena;
  private int arenaUsed;
  private int entries;
  private long cacheDay = Long.MIN_VALUE;
  private final MessageDigest sha;
  private final byte[] ipad = new byte[BLOCK];
  private final byte[] opad = new byte[BLOCK];
  private final byte[] inner = new byte[32];
  private final byte[] out = new byte[32];
  private long macDay = Long.MIN_VALUE;
  private int closings;

  public ClientHasher(PeriodSecrets secrets) {
    this(secrets, io.chasm.stats.Window.DAY, 19);
  }

  public ClientHasher(PeriodSecrets secrets, io.chasm.stats.Window window) {
    this(secrets, window, window == io.chasm.stats.Window.DAY ? 19 : 18);
  }

  /** With a cache of {@code 2^slotsLog2} slots, half of them used at most (tests use small ones). */
  ClientHasher(PeriodSecrets secrets, int slotsLog2) {
    this(secrets, io.chasm.stats.Window.DAY, slotsLog2);
  }

  ClientHasher(PeriodSecrets secrets, io.chasm.stats.Window window, int slotsLog2) {
    this.secrets = secrets;
    this.window = window;
    this.slots = new long[1 << slotsLog2];
    this.mask = slots.length - 1;
    this.maxEntries = slots.length / 2;
    this.arena = new byte[maxEntries * 24];
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 unavailable", ex);
    }
  }

  /**
   * @param day the index of the window (a day for a day hasher; see {@link io.chasm.stats.Window})
   * @return the keyed hash, or 0 when the window is closed (its secret is gone)
   */
  public long hash(long day, byte[] b, int s, int e) {
    int len = e - s;
    int slot = -1;
    int h = 0;
    int c = secrets.closings();
    if (c != closings) {
      // A window closed: what was remembered under its secret must not be handed out again.
      closings = c;
      clearCache(Long.MIN_VALUE);
      macDay = Long.MIN_VALUE;
    }
    if (len <= MAX_KEY) {
      if (day != cacheDay || entries >= maxEntries || arenaUsed + 9 + len > arena.length) {
        clearCache(day);
      }
      h = ArtifactTable.hash(b, s, e);
      byte[] a = arena;
      long[] t = slots;
      for (slot = h & mask; ; slot = (slot + 1) & mask) {
        long v = t[slot];
        if (v == 0) {
          break;
        }
        if ((int) (v >>> 32) == h) {
          int off = (int) v - 1;
          if (a[off] == len && Arrays.equals(a, off + 1, off + 1 + len, b, s, e)) {
            return (long) LONGS.get(a, off + 1 + len);
          }
        }
      }
    }
    if (day != macDay) {
      byte[] secret = secrets.secret(window, day);
      if (secret == null) {
        return 0;
      }
      key(secret);
      macDay = day;
    }
    long v = mac(b, s, len);
    if (slot >= 0) {
      int off = arenaUsed;
      arena[off] = (byte) len;
      System.arraycopy(b, s, arena, off + 1, len);
      LONGS.set(arena, off + 1 + len, v);
      slots[slot] = ((long) h << 32) | (off + 1);
      arenaUsed += 9 + len;
      entries++;
    }
    return v;
  }

  // HMAC (RFC 2104) on the digest directly: javax.crypto.Mac allocates per call.
  private void key(byte[] secret) {
    byte[] k = secret.length > BLOCK ? sha.digest(secret) : secret;
    Arrays.fill(ipad, (byte) 0x36);
    Arrays.fill(opad, (byte) 0x5c);
    for (int i = 0; i < k.length; i++) {
      ipad[i] ^= k[i];
      opad[i] ^= k[i];
    }
  }

  private long mac(byte[] b, int s, int len) {
    try {
      sha.update(ipad);
      sha.update(b, s, len);
      sha.digest(inner, 0, inner.length);
      sha.update(opad);
      sha.update(inner);
      sha.digest(out, 0, out.length);
    } catch (java.security.DigestException ex) {
      throw new IllegalStateException(ex);
    }
    long v = (long) LONGS.get(out, 0);
    return v == 0 ? 1 : v;
  }

  private void clearCache(long day) {
    Arrays.fill(slots, 0);
    arenaUsed = 0;
    entries = 0;
    cacheDay = day;
  }
}
