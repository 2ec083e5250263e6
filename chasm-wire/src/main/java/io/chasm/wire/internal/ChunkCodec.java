package io.chasm.wire.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.LimitExceededException;

/** zstd for chunk data on the wire (SPEC §9.4): used only when it saves bytes. */
public final class ChunkCodec {
  /** Level 1: on a fast link the CPU, not the wire, is the bottleneck; higher levels cost more than they save. */
  public static final int LEVEL = 1;

  /** Compress only if it saves at least 1/16 of the bytes; less is not worth the receiver's CPU. */
  private static final int MIN_SAVING_SHIFT = 4;

  private ChunkCodec() {}

  /** Compressed bytes, or {@code null} if compression does not pay. */
  public static byte[] compressIfSmaller(byte[] raw) {
    if (raw.length < 256) {
      return null;
    }
    byte[] c = Zstd.compress(raw, LEVEL);
    return c.length <= raw.length - (raw.length >> MIN_SAVING_SHIFT) ? c : null;
  }

  /**
   * Decompresses into exactly {@code rawSize} bytes.
   *
   * @throws LimitExceededException if rawSize exceeds {@code max}
   * @throws CorruptObjectException if the data is not zstd or does not decompress to rawSize bytes
   */
  public static byte[] decompress(byte[] src, int srcOff, int srcLen, long rawSize, int max)
      throws LimitExceededException, CorruptObjectException {
    if (rawSize > max || rawSize < 0) {
      throw new LimitExceededException("compressed chunk claims " + rawSize + " bytes, over the limit of " + max);
    }
    byte[] out = new byte[(int) rawSize];
    long n;
    try {
      n = Zstd.decompressByteArray(out, 0, out.length, src, srcOff, srcLen);
    } catch (ZstdException e) {
      throw new CorruptObjectException("compressed chunk does not decompress: " + e.getMessage());
    }
    if (Zstd.isError(n)) {
      throw new CorruptObjectException("compressed chunk does not decompress: " + Zstd.getErrorName(n));
    }
    if (n != rawSize) {
      throw new CorruptObjectException("compressed chunk decompressed to " + n + " bytes, claimed " + rawSize);
    }
    return out;
  }
}
