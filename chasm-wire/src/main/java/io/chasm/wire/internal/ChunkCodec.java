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

  /**
   * Chunks at least this long are first probed: a slice of {@value #PROBE} bytes from their middle
   * is compressed, and the chunk is compressed whole only if the slice saves bytes. Distribution
   * trees are full of already compressed files (.gz, .xz, .deb, images) whose chunks zstd cannot
   * shrink; compressing them whole only to throw the result away was most of the compression time.
   */
  static final int PROBE_FROM = 16 * 1024;

  static final int PROBE = 4 * 1024;

  private ZstdCompressCtx cctx;
  private byte[] probeOut;
  private ZstdDecompressCtx dctx;

  /** Compressed bytes, or {@code null} if compression does not pay. */
  public byte[] compressIfSmaller(byte[] raw) {
    if (raw.length < 256) {
      return null;
    }
    if (cctx == null) {
      cctx = new ZstdCompressCtx().setLevel(LEVEL);
    }
    if (raw.length >= PROBE_FROM) {
      if (probeOut == null) {
        probeOut = new byte[(int) Zstd.compressBound(PROBE)];
      }
      int probed = cctx.compressByteArray(probeOut, 0, probeOut.length, raw, (raw.length - PROBE) / 2, PROBE);
      if (!pays(probed, PROBE)) {
        return null;
      }
    }
    byte[] c = cctx.compress(raw);
    return pays(c.length, raw.length) ? c : null;
  }

  private static boolean pays(long compressed, int raw) {
    return compressed <= raw - (raw >> MIN_SAVING_SHIFT);
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
