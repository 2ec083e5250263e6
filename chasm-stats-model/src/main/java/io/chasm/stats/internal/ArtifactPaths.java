package io.chasm.stats.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A request path as an artifact name (SPEC §11.8): without query or fragment, "//" and "/./"
 * collapsed, a leading '/' ensured, git repositories marked. Most paths of a mirror's log already
 * are such a name: {@link #plain} tells so eight bytes at a time, and the line's own bytes are
 * then interned without the byte-by-byte copy of {@link #normalise}.
 */
public final class ArtifactPaths {
  public static final int MAX_PATH = 4096;
  /** Returned by {@link #normalise} for a control character, and for a path too long. */
  public static final int CONTROL = -2, TOO_LONG = -1;
  private static final byte GIT_MARK = 1;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long LOWS = 0x7f7f7f7f7f7f7f7fL;

  private ArtifactPaths() {}

  // High bit set in exactly the bytes of v that are zero (no carry crosses a byte, so masks of
  // neighbouring words can be combined byte by byte).
  private static long zeros(long v) {
    return ~(((v & LOWS) + LOWS) | v | LOWS);
  }

  /**
   * True when {@code b[s, e)} is its own normalised name: it starts with '/', is at most
   * {@link #MAX_PATH} bytes, and has no control character, '?', '#', "//" or "/./". May answer
   * false for some such paths (then {@link #normalise} gives the same name).
   */
  public static boolean plain(byte[] b, int s, int e) {
    if (e - s > MAX_PATH || e <= s || b[s] != '/') {
      return false;
    }
    long slash = '/' * ONES, dot = '.' * ONES, hash = '#' * ONES, query = '?' * ONES, del = 0x7f * ONES;
    int i = s;
    // Words at i, i + 1 and i + 2, so a pair or triple starting in the first word is seen whole.
    for (; i + 10 <= e; i += 8) {
      long w0 = (long) LONGS.get(b, i);
      long w1 = (long) LONGS.get(b, i + 1);
      long w2 = (long) LONGS.get(b, i + 2);
      // Bytes below 0x20: adding 0x60 to the low seven bits carries into the high bit from 0x20 up.
      long control = ~(((w0 & LOWS) + 0x60 * ONES) | w0 | LOWS);
      long special = zeros(w0 ^ hash) | zeros(w0 ^ query) | zeros(w0 ^ del);
      long slashes = zeros(w0 ^ slash) & (zeros(w1 ^ slash) | (zeros(w1 ^ dot) & zeros(w2 ^ slash)));
      if ((control | special | slashes) != 0) {
        return false;
      }
    }
    for (; i < e; i++) {
      byte c = b[i];
      if ((c >= 0 && c < 0x20) || c == 0x7f || c == '#' || c == '?') {
        return false;
      }
      if (c == '/' && i + 1 < e && (b[i + 1] == '/' || (b[i + 1] == '.' && i + 2 < e && b[i + 2] == '/'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the name of {@code b[s, e)} into {@code out} (at least {@link #MAX_PATH} + 2 bytes):
   * its length, or {@link #CONTROL} or {@link #TOO_LONG}.
   */
  public static int normalise(byte[] b, int s, int e, boolean git, byte[] out) {
    int n = 0;
    if (git) {
      out[n++] = GIT_MARK;
    }
    int base = n;
    out[n++] = '/';
    for (int i = s; i < e; i++) {
      byte c = b[i];
      if (c == '?' || c == '#') {
        break;
      }
      if ((c >= 0 && c < 0x20) || c == 0x7f) {
        return CONTROL;
      }
      if (c == '/') {
        if (out[n - 1] == '/') {
          continue;
        }
        if (n - base >= 2 && out[n - 1] == '.' && out[n - 2] == '/') {
          n--;
          continue;
        }
      }
      if (n >= MAX_PATH) {
        return TOO_LONG;
      }
      out[n++] = c;
    }
    if (git) {
      while (n > base + 1 && out[n - 1] == '/') {
        n--;
      }
    }
    return n;
  }
}
