package io.chasm.wire;


/** What a server allows a client (SPEC §8), as {@link io.chasm.wire.peer.PeerClient#permissions()} reports it. */
public enum Permission {
  /** May ask for heads, objects, chunks, peers and subscribe. */
  READ,
  /** May send Announce (a fetcher telling its oracle, an origin publisher telling a daemon). */
  ANNOUNCE
}
