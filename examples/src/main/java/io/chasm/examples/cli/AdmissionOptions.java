package io.chasm.examples.cli;

import io.chasm.wire.ServerLimits;
import io.chasm.wire.WireLimits;
import io.chasm.wire.peer.PeerServer;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The admission limits of a serving command (docs/admission.md): how a server stays usable under a flood of sockets. */
public final class AdmissionOptions {
  private static final ServerLimits DEFAULTS = ServerLimits.defaults();

  @Option(names = "--max-connections", paramLabel = "N",
      description = "connections served at once; when full, the idlest is evicted for a newcomer (default: ${DEFAULT-VALUE})")
  int maxConnections = WireLimits.defaults().maxConnections();

  @Option(names = "--max-per-address", paramLabel = "N",
      description = "network connections from one remote address; more are refused (default: ${DEFAULT-VALUE})")
  int maxPerAddress = DEFAULTS.maxPerAddress();

  @Option(names = "--handshake-timeout", paramLabel = "DURATION", converter = StateOptions.DurationConverter.class,
      description = "close a connection that has not finished the handshake by then (default: 10s)")
  Duration handshakeTimeout = DEFAULTS.handshakeTimeout();

  @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = StateOptions.DurationConverter.class,
      description = "close a connection with no request and no subscription for that long (default: 5m)")
  Duration idleTimeout = DEFAULTS.idleTimeout();

  @Option(names = "--min-receive-rate", paramLabel = "BYTES/S",
      description = "drop a peer whose frame trickles in slower than this, after a 10 s grace (default: ${DEFAULT-VALUE})")
  int minReceiveRate = DEFAULTS.minReceiveRate();

  /**
   * Checks the values before anything is opened.
   *
   * @throws IllegalArgumentException naming the flag, one line
   */
  public void check() {
    atLeastOne("--max-connections", maxConnections);
    atLeastOne("--max-per-address", maxPerAddress);
    atLeastOne("--min-receive-rate", minReceiveRate);
  }

  /** Applies the options to a server being built. */
  public PeerServer.Builder apply(PeerServer.Builder b) {
    check();
    return b.limits(WireLimits.defaults().withMaxConnections(maxConnections))
        .serverLimits(DEFAULTS.withHandshakeTimeout(handshakeTimeout).withIdleTimeout(idleTimeout)
            .withMaxPerAddress(maxPerAddress).withMinReceiveRate(minReceiveRate, DEFAULTS.frameGrace()));
  }

  private static void atLeastOne(String flag, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
    }
  }
}
