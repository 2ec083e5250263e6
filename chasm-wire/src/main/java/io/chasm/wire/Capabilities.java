package io.chasm.wire;

import java.util.List;

/** Protocol version and capability names of SPEC §8.2. */
public final class Capabilities {
  private Capabilities() {}

  /** The protocol version this implementation speaks (and the only one defined so far). */
  public static final int PROTOCOL_VERSION = 1;

  /** Chunk data may be zstd-compressed (GetChunks.accept_zstd). */
  public static final String ZSTD = "zstd";

  /** Subscribe is served. */
  public static final String SUBSCRIBE = "subscribe";

  /** GetPeers is served. */
  public static final String PEER_EXCHANGE = "peer-exchange";

  /** Announce is served (to clients with the ANNOUNCE permission). */
  public static final String ANNOUNCE = "announce";

  /** A file manifest may be asked for as a delta over an earlier one the client holds (GetObjects.bases, SPEC §9.21). */
  public static final String MANIFEST_DELTA = "manifest-delta";

  /** Everything this implementation supports. */
  public static final List<String> ALL = List.of(ZSTD, SUBSCRIBE, PEER_EXCHANGE, ANNOUNCE, MANIFEST_DELTA);

  /** Most capability names in a Hello or Welcome. */
  public static final int MAX_CAPABILITIES = 32;

  /** Longest capability name, agent string or error message accepted, in UTF-8 bytes. */
  public static final int MAX_TEXT_BYTES = 256;

  /** Length of the handshake nonces. */
  public static final int NONCE_BYTES = 32;
}
