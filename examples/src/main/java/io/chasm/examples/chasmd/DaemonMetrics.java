package io.chasm.examples.chasmd;

import io.chasm.examples.config.ValueChecks;
import io.chasm.examples.metrics.FollowMetrics;
import io.chasm.examples.metrics.Health;
import io.chasm.examples.metrics.MetricsEndpoint;
import io.chasm.examples.metrics.NodeMetrics;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.wire.RepositoryBackend;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * chasmd's metrics ({@code metrics.listen} / {@code --metrics}): the served snapshot is the
 * oracle's when it runs here, else the one the peer relays; a fetcher alone is healthy once it synced.
 */
final class DaemonMetrics {
  private DaemonMetrics() {}

  /** A registry when {@code metrics.listen} is set, else null (no metrics at all). */
  static NodeMetrics create(DaemonConfig c) {
    return c.isSet(DaemonKeys.METRICS_LISTEN) ? new NodeMetrics(Clock.systemUTC()) : null;
  }

  static MetricsEndpoint serve(DaemonConfig c, NodeMetrics m, OracleRole oracle, PeerRole peer, FollowMetrics follow)
      throws IOException {
    RepositoryBackend served = oracle != null ? oracle.backend() : peer != null ? peer.relay() : null;
    Supplier<Health> health;
    if (served != null) {
      Supplier<Optional<Snapshot>> head = NodeMetrics.headOf(served);
      m.servedSnapshot(head);
      health = () -> NodeMetrics.servingHealth(head);
    } else {
      health = follow::health;
    }
    return m.serve(ValueChecks.hostPort(DaemonKeys.METRICS_LISTEN, c.get(DaemonKeys.METRICS_LISTEN)), health);
  }
}
