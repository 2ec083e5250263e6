package io.chasm.wire;

/**
 * Why a peer refused a request or closed a connection (SPEC §9.6), as {@link
 * PeerErrorException#code()} reports it. {@link #UNAVAILABLE} and {@link #INTERNAL} may succeed
 * later or elsewhere; the others will not.
 */
public enum ErrorCode {
  /** The peer sent no code (0 on the wire). */
  UNSPECIFIED,
  /** The repository, object or chunk is not held there. */
  NOT_FOUND,
  /** A count or size exceeded a limit (ids per request, outstanding requests, name length). */
  LIMIT,
  /** The client is not allowed this (not on the allowlist, no ANNOUNCE permission). */
  UNAUTHORIZED,
  /** The request was malformed. */
  BAD_REQUEST,
  /** The peer failed; retrying elsewhere may help. */
  INTERNAL,
  /** No common protocol version. */
  UNSUPPORTED_VERSION,
  /** A handshake proof did not verify. */
  BAD_PROOF,
  /** The peer is shutting down or has too many connections; retry later. */
  UNAVAILABLE,
  /** An announced snapshot was rejected (bad signature, rollback, expired). */
  REJECTED,
  /** A code this version of the protocol does not know. */
  UNKNOWN
}
