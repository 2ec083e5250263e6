package io.chasm.examples.metrics;

import java.util.List;

/**
 * The metric names as Prometheus shows them (Micrometer adds {@code _total} to counters and {@code
 * _seconds} to timers); docs/operations.md lists them and docs/grafana/chasm.json queries them.
 */
public final class MetricNames {
  private MetricNames() {}

  public static final String SNAPSHOT_SEQUENCE = "chasm.snapshot.sequence";
  public static final String SNAPSHOT_AGE = "chasm.snapshot.age.seconds";
  public static final String UPSTREAM_SEQUENCE = "chasm.upstream.sequence";
  public static final String BEHIND = "chasm.upstream.behind.seconds";
  public static final String FETCHED_BYTES = "chasm.fetched.bytes";
  public static final String FETCHED_CHUNKS = "chasm.fetched.chunks";
  public static final String REUSED_CHUNKS = "chasm.reused.chunks";
  public static final String SYNC = "chasm.sync";
  public static final String SERVED_BYTES = "chasm.served.bytes";
  public static final String SERVED_ITEMS = "chasm.served.items";
  public static final String PEER_CONNECTIONS = "chasm.peer.connections";
  public static final String PEER_SUBSCRIPTIONS = "chasm.peer.subscriptions";
  public static final String PEER_REFUSED = "chasm.peer.refused";
  public static final String PEER_EVICTED = "chasm.peer.evicted";
  public static final String BANS = "chasm.bans";
  public static final String ERRORS = "chasm.errors";
  public static final String COLLECTOR_BATCHES = "chasm.collector.batches";
  public static final String COLLECTOR_INGEST = "chasm.collector.ingest";

  /** Every exposition name the daemons export between them (a histogram by its _count series). */
  public static final List<String> EXPOSED = List.of(
      "chasm_snapshot_sequence", "chasm_snapshot_age_seconds", "chasm_upstream_sequence", "chasm_upstream_behind_seconds",
      "chasm_fetched_bytes_total", "chasm_fetched_chunks_total", "chasm_reused_chunks_total", "chasm_sync_seconds_count",
      "chasm_served_bytes_total", "chasm_served_items_total", "chasm_peer_connections", "chasm_peer_subscriptions",
      "chasm_peer_refused_total", "chasm_peer_evicted_total", "chasm_bans_total", "chasm_errors_total",
      "chasm_collector_batches_total", "chasm_collector_ingest_seconds_count");
}
