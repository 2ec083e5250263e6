package io.chasm.hashtree.internal;

import java.util.Arrays;

/** Appends big-endian fields to a growing array (the writing side of {@link Decoder}). */
public final class Encoder {
  private byte[] b;
  private int n;

  public Encoder(int sizeHint) {
    b = new byte[Math.max(16, sizeHint)];
  }

  private void room(int k) {
    if (b.length - n < k) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, n + k));
    }
  }

  public Encoder u8(int v) {
    room(1);
    b[n++] = (byte) v;
    return this;
  }

  public Encoder u16(int v) {
    room(2);
    Bytes.putU16(b, n, v);
    n += 2;
    return this;
  }

  public Encoder u32(int v) {
    room(4);
    Bytes.putU32(b, n, v);
    n += 4;
    return this;
  }

  public Encoder u64(long v) {
    room(8);
    Bytes.putU64(b, n, v);
    n += 8;
    return this;
  }

  public Encoder bytes(byte[] v) {
    room(v.length);
    System.arraycopy(v, 0, b, n, v.length);
    n += v.length;
    return this;
  }

  public Encoder bytes(byte[] v, int off, int len) {
    room(len);
    System.arraycopy(v, off, b, n, len);
    n += len;
    return this;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(b, n);
  }
}
