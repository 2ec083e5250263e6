package io.chasm.stats.internal;

import io.chasm.stats.Window;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A client address's keyed hashes for its day, ISO week and calendar month, each an HMAC under
 * that window's own secret ({@link KeyedMac}): the only form in which a client ever reaches a
 * sketch. Mirror clients repeat a lot (heavy-tailed), so the three values of each address are
 * remembered in one cache entry: a line costs one lookup, and a MAC only for an address not seen
 * in that window yet. An entry's values carry the stamp of the window they were computed for;
 * when the day (or week, month) moves on, the stamp changes and only that value is recomputed on
 * the next hit, so a client returning the next day costs one MAC, not three. The cache is one
 * slot array (hash and arena offset in one long) and one byte arena, up to
 * {@code 2^(slotsLog2-1)} addresses (then it empties and refills); it lives in memory only, and
 * empties when any window closes, so a destroyed secret's hashes are never handed out again.
 */
public final class ClientHashes {
  private static final int MAX_KEY = 64;
  private static final int VALUES = 36; // 3 stamps (int), 3 hashes (long)
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final Window[] KINDS = {Window.DAY, Window.WEEK, Window.MONTH};
  private final PeriodSecrets secrets;
  private final int mask;
  private final int maxEntries;
  // Slot: high 32 bits the address hash, low 32 bits 1 + arena offset of the entry (0 = empty).
  // Entry: length byte, address bytes, 3 stamps, 3 values.
  private final long[] slots;
  private final byte[] arena;
  private int arenaUsed;
  private int entries;
  private int closings;
  // Per window kind: the current window index, its stamp (changes with the index), and the MAC
  // keyed for macIndex.
  private final long[] index = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
  private final int[] stamp = new int[3];
  private int nextStamp = 1;
  private final KeyedMac[] macs = {new KeyedMac(), new KeyedMac(), new KeyedMac()};
  private final long[] macIndex = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
  private final boolean[] macClosed = new boolean[3];
  /** The hashes of the last {@link #of} call; 0 where the window is closed. */
  public long day, week, month;

  public ClientHashes(PeriodSecrets secrets) {
    this(secrets, 19);
  }

  /** With a cache of {@code 2^slotsLog2} slots, half of them used at most (tests use small ones). */
  ClientHashes(PeriodSecrets secrets, int slotsLog2) {
    this.secrets = secrets;
    this.slots = new long[1 << slotsLog2];
    this.mask = slots.length - 1;
    this.maxEntries = slots.length / 2;
    this.arena = new byte[maxEntries * (16 + VALUES)];
  }

  /** Sets {@link #day}, {@link #week} and {@link #month} for the address {@code b[s, e)}. */
  public void of(long dayIndex, long weekIndex, long monthIndex, byte[] b, int s, int e) {
    int c = secrets.closings();
    if (c != closings) {
      closings = c;
      clear();
      Arrays.fill(macIndex, Long.MIN_VALUE);
    }
    setIndex(0, dayIndex);
    setIndex(1, weekIndex);
    setIndex(2, monthIndex);
    int len = e - s;
    if (len > MAX_KEY) {
      day = compute(0, b, s, len);
      week = compute(1, b, s, len);
      month = compute(2, b, s, len);
      return;
    }
    if (entries >= maxEntries || arenaUsed + 1 + len + VALUES > arena.length) {
      clear();
    }
    int h = ArtifactTable.hash(b, s, e);
    byte[] a = arena;
    long[] t = slots;
    int slot;
    for (slot = h & mask; ; slot = (slot + 1) & mask) {
      long v = t[slot];
      if (v == 0) {
        break;
      }
      if ((int) (v >>> 32) == h) {
        int off = (int) v - 1;
        if (a[off] == len && Arrays.equals(a, off + 1, off + 1 + len, b, s, e)) {
          int at = off + 1 + len;
          day = value(0, at, b, s, len);
          week = value(1, at, b, s, len);
          month = value(2, at, b, s, len);
          return;
        }
      }
    }
    int off = arenaUsed;
    a[off] = (byte) len;
    System.arraycopy(b, s, a, off + 1, len);
    int at = off + 1 + len;
    for (int k = 0; k < 3; k++) {
      long v = compute(k, b, s, len);
      INTS.set(a, at + 4 * k, stamp[k]);
      LONGS.set(a, at + 12 + 8 * k, v);
    }
    day = (long) LONGS.get(a, at + 12);
    week = (long) LONGS.get(a, at + 20);
    month = (long) LONGS.get(a, at + 28);
    t[slot] = ((long) h << 32) | (off + 1);
    arenaUsed += 1 + len + VALUES;
    entries++;
  }

  private void setIndex(int k, long i) {
    if (index[k] != i) {
      index[k] = i;
      stamp[k] = nextStamp++;
    }
  }

  // The cached value of kind k at entry values `at`, recomputed when its window moved on.
  private long value(int k, int at, byte[] b, int s, int len) {
    if ((int) INTS.get(arena, at + 4 * k) == stamp[k]) {
      return (long) LONGS.get(arena, at + 12 + 8 * k);
    }
    long v = compute(k, b, s, len);
    INTS.set(arena, at + 4 * k, stamp[k]);
    LONGS.set(arena, at + 12 + 8 * k, v);
    return v;
  }

  private long compute(int k, byte[] b, int s, int len) {
    if (macIndex[k] != index[k]) {
      byte[] secret = secrets.secret(KINDS[k], index[k]);
      macClosed[k] = secret == null;
      if (secret != null) {
        macs[k].key(secret);
      }
      macIndex[k] = index[k];
    }
    return macClosed[k] ? 0 : macs[k].mac(b, s, len);
  }

  private void clear() {
    Arrays.fill(slots, 0);
    arenaUsed = 0;
    entries = 0;
  }
}
