package io.chasm.wire.sync.internal;

import io.chasm.wire.PeerClient;
import java.net.URI;

/** One upstream of a sync: its client, whether it is banned, and its measured throughput. */
public final class Upstream {
  private final URI uri;
  private final PeerClient client;
  private volatile String banReason;
  private volatile long lastProgress = System.nanoTime();
  private long bytes;
  private long busyNanos;
  int inFlight;
  boolean behind;

  Upstream(URI uri, PeerClient client) {
    this.uri = uri;
    this.client = client;
  }

  public URI uri() {
    return uri;
  }

  public PeerClient client() {
    return client;
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
    lastProgress = System.nanoTime();
  }

  long lastProgress() {
    return lastProgress;
  }

  void ban(String reason) {
    if (banReason == null) {
      banReason = reason;
    }
    client.close();
  }

  String banReason() {
    return banReason;
  }

  synchronized void record(long b, long nanos) {
    bytes += b;
    busyNanos += Math.max(nanos, 1);
  }

  /** Bytes per second over completed requests; optimistic (infinite) before the first one. */
  synchronized double throughput() {
    return busyNanos == 0 ? Double.MAX_VALUE : bytes * 1e9 / busyNanos;
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
