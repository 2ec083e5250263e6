package io.chasm.wire;

/**
 * Every size and count a peer controls, with a hard bound (tck/SPEC.md §7 and §9).
 *
 * <p>Both ends enforce these on what they receive; a value above a limit is a {@link
 * io.chasm.api.LimitExceededException}, never an allocation of the claimed size. Immutable; use
 * the {@code with...} methods to derive a changed copy.
 *
 * @param maxFrameBytes largest frame payload accepted or sent (default 16 MiB)
 * @param maxRequestFrameBytes largest frame a server accepts from a client; requests are small,
 *     and a tight bound stops a client from making the server parse millions of tiny fields
 * @param maxIdsPerRequest most ids in one GetObjects or GetChunks
 * @param maxOutstanding most requests a client may have outstanding on one connection
 * @param maxNameBytes longest repository name (UTF-8 bytes)
 * @param maxConnections most connections a server handles at once; more are refused
 * @param maxPeersPerReply most endpoints in one peer-exchange reply
 */
public record WireLimits(
    int maxFrameBytes,
    int maxRequestFrameBytes,
    int maxIdsPerRequest,
    int maxOutstanding,
    int maxNameBytes,
    int maxConnections,
    int maxPeersPerReply) {

  /** 16 MiB: a 256 KiB max chunk fits many times over, a hostile frame costs little. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

  /** The smallest frame limit an implementation may configure (SPEC §7). */
  public static final int MIN_FRAME_BYTES = 64 << 10;

  public WireLimits {
    requireAtLeast("maxFrameBytes", maxFrameBytes, MIN_FRAME_BYTES);
    requireAtLeast("maxRequestFrameBytes", maxRequestFrameBytes, 4096);
    requireAtLeast("maxIdsPerRequest", maxIdsPerRequest, 1);
    requireAtLeast("maxOutstanding", maxOutstanding, 1);
    requireAtLeast("maxNameBytes", maxNameBytes, 1);
    requireAtLeast("maxConnections", maxConnections, 1);
    requireAtLeast("maxPeersPerReply", maxPeersPerReply, 0);
    if (maxRequestFrameBytes > maxFrameBytes) {
      throw new IllegalArgumentException(
          "maxRequestFrameBytes (" + maxRequestFrameBytes + ") exceeds maxFrameBytes (" + maxFrameBytes + ")");
    }
  }

  /** The defaults of SPEC §7 and §9. */
  public static WireLimits defaults() {
    return new WireLimits(DEFAULT_MAX_FRAME_BYTES, 256 << 10, 1024, 256, 255, 256, 64);
  }

  public WireLimits withMaxFrameBytes(int v) {
    return new WireLimits(v, Math.min(maxRequestFrameBytes, v), maxIdsPerRequest, maxOutstanding, maxNameBytes, maxConnections, maxPeersPerReply);
  }

  public WireLimits withMaxIdsPerRequest(int v) {
    return new WireLimits(maxFrameBytes, maxRequestFrameBytes, v, maxOutstanding, maxNameBytes, maxConnections, maxPeersPerReply);
  }

  public WireLimits withMaxOutstanding(int v) {
    return new WireLimits(maxFrameBytes, maxRequestFrameBytes, maxIdsPerRequest, v, maxNameBytes, maxConnections, maxPeersPerReply);
  }

  public WireLimits withMaxConnections(int v) {
    return new WireLimits(maxFrameBytes, maxRequestFrameBytes, maxIdsPerRequest, maxOutstanding, maxNameBytes, v, maxPeersPerReply);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
  }
}
