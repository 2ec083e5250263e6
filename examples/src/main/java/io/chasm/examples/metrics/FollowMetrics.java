package io.chasm.examples.metrics;

import io.chasm.wire.follow.FollowListener;
import io.chasm.wire.sync.SyncResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * A fetcher's metrics from its {@link FollowListener} events. "Seconds behind upstream" is the
 * time since an upstream first pushed a sequence newer than the one synced here (0 when none is
 * newer): the lag an operator feels, measured on this node's clock only.
 */
public final class FollowMetrics implements FollowListener {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Counter fetchedBytes;
  private final Counter fetchedChunks;
  private final Counter reusedChunks;
  private long localSequence;
  private long upstreamSequence;
  /** When the upstream was first seen ahead of us, epoch ms; 0 when not behind. */
  private long behindSince;

  FollowMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    fetchedBytes = Counter.builder(MetricNames.FETCHED_BYTES).baseUnit("bytes").description("bytes received from upstreams").register(registry);
    fetchedChunks = Counter.builder(MetricNames.FETCHED_CHUNKS).description("chunks fetched from upstreams").register(registry);
    reusedChunks = Counter.builder(MetricNames.REUSED_CHUNKS).description("chunks taken from local files instead of fetched").register(registry);
    Gauge.builder(MetricNames.UPSTREAM_SEQUENCE, this, m -> m.upstream()).description("newest sequence an upstream pushed or served").register(registry);
    Gauge.builder(MetricNames.BEHIND, this, FollowMetrics::behindSeconds).description("seconds since the upstream had a newer snapshot than this node").register(registry);
    // Registered up front so that a dashboard has the series before the first event.
    timer("changed");
    timer("up_to_date");
    BanReasons.CATEGORIES.forEach(this::bans);
  }

  private Counter bans(String reason) {
    return Counter.builder(MetricNames.BANS).tag("reason", reason).description("upstreams dropped from a sync").register(registry);
  }

  private Timer timer(String result) {
    return Timer.builder(MetricNames.SYNC).tag("result", result).description("duration of a sync (fetch latency of a snapshot)")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2))
        .register(registry);
  }

  private synchronized double upstream() {
    return upstreamSequence;
  }

  synchronized double behindSeconds() {
    return behindSince == 0 ? 0 : Math.max(0, (clock.millis() - behindSince) / 1000.0);
  }

  /** 200 once a sync succeeded here ("synced #N"), else 503. */
  public synchronized Health health() {
    return localSequence > 0 ? Health.ok("synced #" + localSequence) : Health.failing("no snapshot synced yet (see the fetcher's log)");
  }

  @Override
  public synchronized void pushed(URI upstream, long sequence, boolean newest) {
    upstreamSequence = Math.max(upstreamSequence, sequence);
    if (sequence > localSequence && behindSince == 0) {
      behindSince = clock.millis();
    }
  }

  @Override
  public void synced(SyncResult r, String why) {
    timer(r.upToDate() ? "up_to_date" : "changed").record(Duration.ofNanos((long) (r.seconds() * 1e9)));
    fetchedBytes.increment(r.bytesReceived());
    fetchedChunks.increment(r.chunksFetched());
    reusedChunks.increment(r.chunksReused());
    for (String b : r.banned()) {
      int colon = b.indexOf(": ");
      bans(BanReasons.category(colon < 0 ? b : b.substring(colon + 2))).increment();
    }
    synchronized (this) {
      localSequence = Math.max(localSequence, r.sequence());
      upstreamSequence = Math.max(upstreamSequence, r.sequence());
      if (localSequence >= upstreamSequence) {
        behindSince = 0;
      }
    }
  }

  @Override
  public void syncFailed(String why, Exception cause, Duration retryIn) {
    error("sync", cause);
  }

  @Override
  public void subscribeFailed(URI upstream, Exception cause, Duration retryIn) {
    error("subscribe", cause);
  }

  @Override
  public void pushUndecodable(URI upstream, Exception cause) {
    error("push", cause);
  }

  @Override
  public void announceFailed(Exception cause) {
    error("announce", cause);
  }

  private void error(String stage, Throwable cause) {
    Counter.builder(MetricNames.ERRORS).tag("stage", stage).tag("type", cause.getClass().getSimpleName())
        .description("failures by stage and exception type").register(registry).increment();
  }
}
