package io.chasm.examples.config;

import io.chasm.wire.ServerLimits;
import io.chasm.wire.WireLimits;
import io.chasm.wire.peer.PeerServer;

/**
 * The admission keys of the config file (docs/admission.md): how a serving daemon stays usable
 * under a flood of sockets. chasmd's peer role and {@code chasm serve} read the same keys (the
 * latter's flags override them), so one node file sets them for whichever serves.
 */
public final class AdmissionSettings {
  public static final String MAX_CONNECTIONS = "peer.max-connections";
  public static final String MAX_PER_ADDRESS = "peer.max-per-address";
  public static final String HANDSHAKE_TIMEOUT = "peer.handshake-timeout";
  public static final String IDLE_TIMEOUT = "peer.idle-timeout";
  public static final String MIN_RECEIVE_RATE = "peer.min-receive-rate";

  private AdmissionSettings() {}

  /** Applies the admission keys of {@code s} (checked when it was loaded) to a server being built. */
  public static PeerServer.Builder apply(PeerServer.Builder b, Settings s) {
    ServerLimits d = ServerLimits.defaults();
    return b.limits(WireLimits.defaults().withMaxConnections(count(s, MAX_CONNECTIONS)))
        .serverLimits(d.withHandshakeTimeout(ValueChecks.duration(HANDSHAKE_TIMEOUT, s.get(HANDSHAKE_TIMEOUT)))
            .withIdleTimeout(ValueChecks.duration(IDLE_TIMEOUT, s.get(IDLE_TIMEOUT)))
            .withMaxPerAddress(count(s, MAX_PER_ADDRESS))
            .withMinReceiveRate(count(s, MIN_RECEIVE_RATE), d.frameGrace()));
  }

  /** A whole-number key; {@link ValueChecks#atLeast} let only numbers of at least 1 through. */
  private static int count(Settings s, String key) {
    return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(s.get(key).trim()));
  }
}
