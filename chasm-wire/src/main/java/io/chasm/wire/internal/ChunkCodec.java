package io.chasm.wire.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.LimitExceededException;

/**
 * zstd for chunk and object data on the wire (SPEC §9.10): used only when it saves bytes. One
 * instance per connection thread: it keeps one compression and one decompression context, because
 * creating a context per chunk cost about a third as much as compressing the chunk (measured: JFR
 * of a server answering an initial sync). Not thread-safe; {@link #close} frees the native contexts.
 */
public final class ChunkCodec implements AutoCloseable {
  /** Level 1: on a fast link the CPU, not the wire, is the bottleneck; higher levels cost more than they save. */
  public static final int LEVEL = 1;

  /** Compress only if it saves at least 1/16 of the bytes; less is not worth the receiver's CPU. */
  private static final int MIN_SAVING_SHIFT = 4;

  private ZstdCompressCtx cctx;
  private ZstdDecompressCtx dctx;

  /** Compressed bytes, or {@code null} if compression does not pay. */
  public byte[] compressIfSmaller(byte[] raw) {
    if (raw.length < 256) {
      return null;
    }
    if (cctx == null) {
      cctx = new ZstdCompressCtx().setLevel(LEVEL);
    }
    byte[] c = cctx.compress(raw);
    return c.length <= raw.length - (raw.length >> MIN_SAVING_SHIFT) ? c : null;
  }

  /**
   * Decompresses into exactly {@code rawSize} bytes.
   *
   * @throws LimitExceededException if rawSize exceeds {@code max}
   * @throws CorruptObjectException if the data is not zstd or does not decompress to rawSize bytes
   */
  public byte[] decompress(byte[] src, int srcOff, int srcLen, long rawSize, int max)
      throws LimitExceededException, CorruptObjectException {
    if (rawSize > max || rawSize < 0) {
      throw new LimitExceededException("compressed chunk claims " + rawSize + " bytes, over the limit of " + max);
    }
    if (dctx == null) {
      dctx = new ZstdDecompressCtx();
    }
    byte[] out = new byte[(int) rawSize];
    long n;
    try {
      n = dctx.decompressByteArray(out, 0, out.length, src, srcOff, srcLen);
    } catch (ZstdException e) {
      dctx.close();
      dctx = null; // a failed frame may leave the context mid-stream
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

  @Override
  public void close() {
    if (cctx != null) {
      cctx.close();
      cctx = null;
    }
    if (dctx != null) {
      dctx.close();
      dctx = null;
    }
  }
}
