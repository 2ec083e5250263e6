package io.chasm.wire.sync.internal;

import io.chasm.api.Ticker;
import io.chasm.api.source.ChunkSource;
import io.chasm.wire.http.HttpMirror;
import java.net.URI;

/**
 * One source of a sync as the scheduler sees it: whether it is banned or behind, when it last
 * made progress, and its measured throughput. A protocol peer also has its {@link PeerLink} (the
 * sync asks it for objects and chunks through per-run sources); a source given directly has only
 * its {@link ChunkSource}; a plain web mirror has its {@link HttpMirror}.
 */
public final class Upstream {
  private final String name;
  private final PeerLink peer;
  private final ChunkSource source;
  private final HttpMirror web;
  private final Ticker ticker;
  private volatile String banReason;
  private volatile long lastProgress;
  private long bytesDelivered;
  private long busyNanos;
  private long latencyNanos = -1;
  boolean behind;

  private Upstream(String name, PeerLink peer, ChunkSource source, HttpMirror web, Ticker ticker) {
    this.name = name;
    this.peer = peer;
    this.source = source;
    this.web = web;
    this.ticker = ticker;
    this.lastProgress = ticker.nanos();
  }

  static Upstream peer(PeerLink peer, Ticker ticker) {
    return new Upstream(peer.uri().toString(), peer, null, null, ticker);
  }

  static Upstream source(ChunkSource source, Ticker ticker) {
    return new Upstream(source.name(), null, source, null, ticker);
  }

  static Upstream web(HttpMirror web, Ticker ticker) {
    return new Upstream(web.root().toString(), null, null, web, ticker);
  }

  public String name() {
    return name;
  }

  /** The peer's or web mirror's URI, or null for a source given directly. */
  public URI uri() {
    return peer != null ? peer.uri() : web != null ? web.root() : null;
  }

  /** The plain web mirror (SPEC §12) this upstream is, or null if it is not one. */
  public HttpMirror web() {
    return web;
  }

  /** The peer's connections; only for an upstream made by {@link UpstreamConnector#connect}. */
  public PeerLink peer() {
    if (peer == null) {
      throw new IllegalStateException(name + " is not a protocol peer");
    }
    return peer;
  }

  /** The source given directly; only for an upstream made by {@link Upstreams#of}. */
  public ChunkSource source() {
    if (source == null) {
      throw new IllegalStateException(name + " has no fixed chunk source");
    }
    return source;
  }

  public boolean banned() {
    return banReason != null;
  }

  /** True if this upstream's head is older than the one being synced: it cannot serve the objects. */
  public boolean behind() {
    return behind;
  }

  public void markBehind() {
    behind = true;
  }

  /** Something arrived from this upstream: it is not stalled. */
  public void progress() {
    lastProgress = ticker.nanos();
  }

  long lastProgress() {
    return lastProgress;
  }

  void ban(String reason) {
    if (banReason == null) {
      banReason = reason;
    }
    close();
  }

  String banReason() {
    return banReason;
  }

  void close() {
    if (peer != null) {
      peer.close();
    }
    if (web != null) {
      web.close();
    }
  }

  /** One completed batch: the bytes it delivered and the time from request to completion. */
  synchronized void record(long bytes, long nanos) {
    bytesDelivered += bytes;
    busyNanos += Math.max(nanos, 1);
  }

  /**
   * The time from a request to its first answer, smoothed over requests (a moving average with
   * weight 1/4 for the newest), so one slow answer does not swing the batch size at once.
   */
  synchronized void recordLatency(long nanos) {
    latencyNanos = latencyNanos < 0 ? nanos : (3 * latencyNanos + nanos) / 4;
  }

  /** The smoothed time to a first answer; 0 before the first one. */
  synchronized long latency() {
    return Math.max(latencyNanos, 0);
  }

  /** True once a request of this source has completed (its throughput is measured, not assumed). */
  synchronized boolean measured() {
    return busyNanos > 0;
  }

  /** Bytes delivered per second of completed requests; optimistic (infinite) before the first one. */
  synchronized double throughput() {
    return busyNanos == 0 ? Double.MAX_VALUE : bytesDelivered * 1e9 / busyNanos;
  }

  @Override
  public String toString() {
    return name;
  }
}
