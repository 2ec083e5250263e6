package io.chasm.hashtree.internal;

import io.chasm.api.CorruptObjectException;
import java.util.Arrays;

/**
 * Reads a canonical binary encoding; every short read or leftover byte is a {@link
 * CorruptObjectException} naming the object and the byte position, never a runtime exception.
 */
public final class Decoder {
  private final byte[] b;
  private final String what;
  private int pos;

  public Decoder(byte[] bytes, String what) {
    this.b = bytes;
    this.what = what;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return b.length - pos;
  }

  private void need(int n) throws CorruptObjectException {
    if (n < 0 || b.length - pos < n) {
      throw new CorruptObjectException(what + " truncated at byte " + pos + " (needs " + n + " more)");
    }
  }

  public int u8() throws CorruptObjectException {
    need(1);
    return b[pos++] & 0xff;
  }

  public int u16() throws CorruptObjectException {
    need(2);
    int v = (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  /** An unsigned 32-bit value; values above {@code Integer.MAX_VALUE} are rejected. */
  public int u32() throws CorruptObjectException {
    need(4);
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (b[pos + i] & 0xff);
    }
    pos += 4;
    if (v > Integer.MAX_VALUE) {
      throw new CorruptObjectException(what + ": 32-bit value " + v + " out of range at byte " + (pos - 4));
    }
    return (int) v;
  }

  /** An unsigned 64-bit value; values above {@code Long.MAX_VALUE} are rejected. */
  public long u64() throws CorruptObjectException {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[pos + i] & 0xff);
    }
    pos += 8;
    if (v < 0) {
      throw new CorruptObjectException(what + ": 64-bit value out of range at byte " + (pos - 8));
    }
    return v;
  }

  /** A signed (two's complement) 64-bit value. */
  public long i64() throws CorruptObjectException {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[pos + i] & 0xff);
    }
    pos += 8;
    return v;
  }

  public byte[] bytes(int n) throws CorruptObjectException {
    need(n);
    byte[] out = Arrays.copyOfRange(b, pos, pos + n);
    pos += n;
    return out;
  }

  /** Fails unless every byte was consumed. */
  public void end() throws CorruptObjectException {
    if (pos != b.length) {
      throw new CorruptObjectException(what + " has " + (b.length - pos) + " trailing bytes");
    }
  }

  public CorruptObjectException corrupt(String message) {
    return new CorruptObjectException(what + ": " + message);
  }
}
