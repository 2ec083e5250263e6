package io.chasm.stats.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) under one key at a time, its first 8 bytes as a big-endian long: the
 * client hash of windows opened before SipHash (see {@link KeyedMac}). Computed on the digest
 * directly, because {@code javax.crypto.Mac} allocates per call.
 */
final class HmacSha256 {
  private static final int BLOCK = 64; // SHA-256 block size, for HMAC's padded keys
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private final MessageDigest sha;
  private final byte[] ipad = new byte[BLOCK];
  private final byte[] opad = new byte[BLOCK];
  private final byte[] inner = new byte[32];
  private final byte[] out = new byte[32];

  HmacSha256() {
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 unavailable", ex);
    }
  }

  void key(byte[] secret) {
    byte[] k = secret.length > BLOCK ? sha.digest(secret) : secret;
    Arrays.fill(ipad, (byte) 0x36);
    Arrays.fill(opad, (byte) 0x5c);
    for (int i = 0; i < k.length; i++) {
      ipad[i] ^= k[i];
      opad[i] ^= k[i];
    }
  }

  long mac(byte[] b, int s, int len) {
    try {
      sha.update(ipad);
      sha.update(b, s, len);
      sha.digest(inner, 0, inner.length);
      sha.update(opad);
      sha.update(inner);
      sha.digest(out, 0, out.length);
    } catch (DigestException ex) {
      throw new IllegalStateException(ex);
    }
    return (long) LONGS.get(out, 0);
  }
}
