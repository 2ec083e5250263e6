package io.chasm.examples.collector;

import io.chasm.collector.server.CollectorServer;
import io.chasm.examples.metrics.CollectorMetrics;
import io.chasm.examples.metrics.Health;
import io.chasm.examples.metrics.MetricsEndpoint;
import io.chasm.examples.metrics.NodeMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;

/** The collector's metrics endpoint: its submissions counted, healthy while the database answers. */
final class CollectorHealth {
  private CollectorHealth() {}

  static MetricsEndpoint startMetrics(CollectorServer server, InetSocketAddress at) throws IOException {
    NodeMetrics m = new NodeMetrics(Clock.systemUTC());
    server.store().ingestListener(new CollectorMetrics(m.registry()));
    return m.serve(at, () -> {
      try {
        return Health.ok("database answers (schema " + server.store().schemaVersion() + ", " + server.store().dialect() + ")");
      } catch (java.sql.SQLException e) {
        return Health.failing("database does not answer: " + e.getMessage());
      }
    });
  }
}
