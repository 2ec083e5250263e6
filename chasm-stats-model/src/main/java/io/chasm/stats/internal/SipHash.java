package io.chasm.stats.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a 64-bit keyed
 * hash under a 128-bit key, made for short inputs such as client addresses. Without the key its
 * outputs cannot be told from random ones, so nobody can test a candidate address against them
 * (SPEC §11.6); a line's address costs two compression rounds and four finalisation rounds
 * instead of HMAC-SHA256's four SHA-256 blocks. Allocation-free; one key at a time.
 */
final class SipHash {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private long k0, k1;

  /** Keys the hash with the first 16 bytes of {@code key} (little-endian words, as the paper). */
  void key(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("SipHash needs a 128-bit key");
    }
    k0 = (long) LONGS.get(key, 0);
    k1 = (long) LONGS.get(key, 8);
  }

  /** SipHash-2-4 of {@code b[s, s + len)} as the reference's little-endian 64-bit output. */
  long hash(byte[] b, int s, int len) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int words = len >>> 3;
    // Every 8-byte word, then the last one: the remaining 0-7 bytes with the length's low byte on top.
    for (int w = 0; w <= words; w++) {
      long m;
      if (w < words) {
        m = (long) LONGS.get(b, s + 8 * w);
      } else {
        m = ((long) len) << 56;
        for (int i = s + 8 * words, k = 0; i < s + len; i++, k += 8) {
          m |= (b[i] & 0xffL) << k;
        }
      }
      v3 ^= m;
      for (int r = 0; r < 2; r++) { // c = 2 compression rounds
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    v2 ^= 0xff;
    for (int r = 0; r < 4; r++) { // d = 4 finalisation rounds
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }
}
