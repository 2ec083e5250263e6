package io.chasm.examples.metrics;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.follow.FollowListener;
import io.chasm.wire.peer.PeerServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The metrics of one daemon process: a Prometheus registry and the bindings that feed it from the
 * library's own hooks (a {@link FollowListener}, a backend decorator, a server's counts, the
 * served head), so that no library module depends on Micrometer.
 */
public final class NodeMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;

  public NodeMetrics(Clock clock) {
    this.clock = clock;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Counts what a server built with this decorator sends ({@code PeerServer.Builder.decorateBackend}). */
  public UnaryOperator<RepositoryBackend> countServed() {
    return b -> new CountingBackend(b, registry);
  }

  /** Connections, subscriptions, refused and evicted connections of {@code server}. */
  public void peerServer(PeerServer server) {
    Gauge.builder(MetricNames.PEER_CONNECTIONS, server, PeerServer::connectionCount).description("open peer connections").register(registry);
    Gauge.builder(MetricNames.PEER_SUBSCRIPTIONS, server, PeerServer::subscriptionCount).register(registry);
    FunctionCounter.builder(MetricNames.PEER_REFUSED, server, PeerServer::refusedCount).description("connections refused by admission").register(registry);
    FunctionCounter.builder(MetricNames.PEER_EVICTED, server, PeerServer::evictedCount).register(registry);
  }

  /**
   * The sequence and age of the snapshot this node serves, read from {@code head} at each scrape
   * (empty before the first snapshot: the gauges are then absent values, NaN).
   */
  public void servedSnapshot(Supplier<Optional<Snapshot>> head) {
    Gauge.builder(MetricNames.SNAPSHOT_SEQUENCE, head, h -> h.get().map(s -> (double) s.sequence()).orElse(Double.NaN))
        .description("sequence of the snapshot served").register(registry);
    Gauge.builder(MetricNames.SNAPSHOT_AGE, head,
            h -> h.get().map(s -> (clock.millis() - s.created().toEpochMilli()) / 1000.0).orElse(Double.NaN))
        .description("seconds since the served snapshot was created by its origin").register(registry);
  }

  /**
   * The snapshot {@code backend} serves under {@code default}, decoded; empty before the first
   * snapshot or when the backend cannot answer (a scrape must not fail for it).
   */
  public static Supplier<Optional<Snapshot>> headOf(RepositoryBackend backend) {
    return () -> {
      try {
        Optional<byte[]> h = backend.head(io.chasm.wire.serve.TreeServer.DEFAULT_ALIAS);
        return h.isEmpty() ? Optional.empty() : Optional.of(SignedSnapshot.decode(h.get()).snapshot());
      } catch (IOException | ChasmException | RuntimeException e) {
        return Optional.empty();
      }
    };
  }

  /** 200 "serving #N" when {@code head} has a snapshot, else 503 naming what is missing. */
  public static Health servingHealth(Supplier<Optional<Snapshot>> head) {
    return head.get().map(s -> Health.ok("serving " + s.origin() + " #" + s.sequence()))
        .orElseGet(() -> Health.failing("no verified snapshot to serve yet (publish or sync one)"));
  }

  /** A listener for a fetcher's {@code Follower}: fetched and reused data, sync durations, bans, errors, lag. */
  public FollowMetrics followListener() {
    return new FollowMetrics(registry, clock);
  }

  /** Starts {@code /metrics} and {@code /health} on {@code address}. */
  public MetricsEndpoint serve(InetSocketAddress address, Supplier<Health> health) throws IOException {
    return MetricsEndpoint.start(address, registry, health);
  }
}
