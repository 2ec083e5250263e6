package io.chasm.examples.cli;

import io.chasm.examples.config.AdmissionSettings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The admission flags of a serving command (docs/admission.md): each overrides its config key
 * ({@link AdmissionSettings}); the defaults are the keys'.
 */
public final class AdmissionOptions {
  @Option(names = "--max-connections", paramLabel = "N",
      description = "connections served at once; when full, the idlest is evicted for a newcomer (key: peer.max-connections; default 256)")
  Integer maxConnections;

  @Option(names = "--max-per-address", paramLabel = "N",
      description = "network connections from one remote address; more are refused (key: peer.max-per-address; default 8)")
  Integer maxPerAddress;

  @Option(names = "--handshake-timeout", paramLabel = "DURATION", converter = StateOptions.DurationConverter.class,
      description = "close a connection that has not finished the handshake by then (key: peer.handshake-timeout; default 10s)")
  Duration handshakeTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = StateOptions.DurationConverter.class,
      description = "close a connection with no request and no subscription for that long (key: peer.idle-timeout; default 5m)")
  Duration idleTimeout;

  @Option(names = "--min-receive-rate", paramLabel = "BYTES/S",
      description = "drop a peer whose frame trickles in slower than this, after a 10 s grace (key: peer.min-receive-rate; default 1024)")
  Integer minReceiveRate;

  /**
   * Checks the flags given before anything is opened (the file's keys are checked when it loads).
   *
   * @throws IllegalArgumentException naming the flag, one line
   */
  public void check() {
    atLeastOne("--max-connections", maxConnections);
    atLeastOne("--max-per-address", maxPerAddress);
    atLeastOne("--min-receive-rate", minReceiveRate);
  }

  /** The flags given, as the config keys they override. */
  void putOverrides(Map<String, String> o) {
    putIf(o, AdmissionSettings.MAX_CONNECTIONS, maxConnections);
    putIf(o, AdmissionSettings.MAX_PER_ADDRESS, maxPerAddress);
    putIf(o, AdmissionSettings.HANDSHAKE_TIMEOUT, handshakeTimeout == null ? null : handshakeTimeout.toMillis() + "ms");
    putIf(o, AdmissionSettings.IDLE_TIMEOUT, idleTimeout == null ? null : idleTimeout.toMillis() + "ms");
    putIf(o, AdmissionSettings.MIN_RECEIVE_RATE, minReceiveRate);
  }

  private static void putIf(Map<String, String> o, String key, Object value) {
    if (value != null) {
      o.put(key, value.toString());
    }
  }

  private static void atLeastOne(String flag, Integer value) {
    if (value != null && value < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
    }
  }
}
