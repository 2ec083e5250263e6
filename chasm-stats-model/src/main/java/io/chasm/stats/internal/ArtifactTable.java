package io.chasm.stats.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns normalised artifact paths given as bytes: a line costs a hash and a compare, and a
 * String is made once per distinct artifact. Open addressing: one slot array (hash and arena
 * offset in one long) and one byte arena (id, length, path), so a hit reads two places in memory.
 */
public final class ArtifactTable {
  // Slot: high 32 bits the path hash, low 32 bits 1 + arena offset of the entry (0 = empty).
  // Entry: id (4 bytes), length (2 bytes), path bytes.
  private long[] slots = new long[1024];
  private byte[] arena = new byte[1 << 16];
  private int arenaUsed;
  private String[] names = new String[256];
  private boolean[] invalid = new boolean[256];
  private int size;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private static final java.lang.invoke.VarHandle INTS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle SHORTS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);

  public int size() {
    return size;
  }

  public String name(int id) {
    return names[id];
  }

  /** True when the bytes of that artifact are not valid UTF-8. */
  public boolean invalid(int id) {
    return invalid[id];
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);

  /** A hash of b[s,e) for in-memory tables (never persisted): eight bytes per multiply. */
  public static int hash(byte[] b, int s, int e) {
    long h = 0x9E3779B97F4A7C15L ^ (e - s);
    int i = s;
    for (; i + 8 <= e; i += 8) {
      h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * 0xC2B2AE3D27D4EB4FL, 29);
    }
    long t = 0;
    for (int k = 0; i < e; i++, k += 8) {
      t |= (b[i] & 0xffL) << k;
    }
    h = (h ^ t) * 0x165667B19E3779F9L;
    h ^= h >>> 32;
    h *= 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
  }

  /** The id of {@code b[s,e)} (at most 65,535 bytes), adding it when new. */
  public int intern(byte[] b, int s, int e) {
    int len = e - s;
    if (len > 0xffff) {
      throw new IllegalArgumentException("artifact path longer than 65535 bytes");
    }
    int h = hash(b, s, e);
    long[] t = slots;
    byte[] a = arena;
    int mask = t.length - 1;
    int i = h & mask;
    while (true) {
      long v = t[i];
      if (v == 0) {
        break;
      }
      if ((int) (v >>> 32) == h) {
        int off = (int) v - 1;
        if (((short) SHORTS.get(a, off + 4) & 0xffff) == len
            && Arrays.equals(a, off + 6, off + 6 + len, b, s, e)) {
          return (int) INTS.get(a, off);
        }
      }
      i = (i + 1) & mask;
    }
    int id = size++;
    int off = arenaUsed;
    if (off + 6 + len > a.length) {
      arena = a = Arrays.copyOf(a, Math.max(off + 6 + len, a.length * 2));
    }
    INTS.set(a, off, id);
    SHORTS.set(a, off + 4, (short) len);
    System.arraycopy(b, s, a, off + 6, len);
    arenaUsed += 6 + len;
    t[i] = ((long) h << 32) | (off + 1);
    if (id == names.length) {
      names = Arrays.copyOf(names, id * 2);
      invalid = Arrays.copyOf(invalid, id * 2);
    }
    try {
      // Most paths are ASCII: no decoder needed (and one reused decoder for the rest).
      names[id] = ascii(b, s, e) ? new String(b, s, len, StandardCharsets.ISO_8859_1)
          : utf8.reset().decode(ByteBuffer.wrap(b, s, len)).toString();
    } catch (CharacterCodingException ex) {
      invalid[id] = true;
      names[id] = "";
    }
    if (size * 2 > t.length) {
      grow();
    }
    return id;
  }

  private static boolean ascii(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    long[] old = slots;
    long[] t = new long[old.length * 2];
    int mask = t.length - 1;
    for (long v : old) {
      if (v != 0) {
        int i = (int) (v >>> 32) & mask;
        while (t[i] != 0) {
          i = (i + 1) & mask;
        }
        t[i] = v;
      }
    }
    slots = t;
  }
}
