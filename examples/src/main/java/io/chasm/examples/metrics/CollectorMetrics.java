package io.chasm.examples.metrics;

import io.chasm.collector.IngestListener;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.model.IngestOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The collector's submissions as metrics: {@code chasm_collector_batches_total{outcome,reason}}
 * (outcome accepted, duplicate or refused; reason the refusal's, or none) and the ingest latency.
 */
public final class CollectorMetrics implements IngestListener {
  private final MeterRegistry registry;
  private final Timer ingest;

  public CollectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.ingest = Timer.builder(MetricNames.COLLECTOR_INGEST).description("time to verify and count one submitted batch")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1))
        .register(registry);
    batches("accepted", "none");
    batches("duplicate", "none");
  }

  private Counter batches(String outcome, String reason) {
    return Counter.builder(MetricNames.COLLECTOR_BATCHES).tag("outcome", outcome).tag("reason", reason)
        .description("submitted batches by outcome").register(registry);
  }

  @Override
  public void accepted(IngestOutcome outcome, long nanos) {
    batches(outcome.duplicate() ? "duplicate" : "accepted", "none").increment();
    ingest.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void refused(BatchRejectedException.Reason reason, long nanos) {
    batches("refused", reason.name().toLowerCase(Locale.ROOT)).increment();
    ingest.record(nanos, TimeUnit.NANOSECONDS);
  }
}
