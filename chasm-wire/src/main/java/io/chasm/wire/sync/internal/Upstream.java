package io.chasm.wire.sync.internal;

import io.chasm.wire.PeerClient;
import java.net.URI;

/**
 * One upstream of a sync: its client (plus any extra connections for a large chunk fetch), whether
 * it is banned, and its measured throughput.
 */
public final class Upstream {
  private final URI uri;
  private final PeerClient client;
  private final java.util.List<PeerClient> extra = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
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

  /**
   * The connection for the next batch request: the connections take turns, so a server that
   * answers each connection on its own thread works on several requests at once.
   */
  public PeerClient nextClient() {
    if (extra.isEmpty()) {
      return client;
    }
    int i = Math.floorMod(turn.getAndIncrement(), extra.size() + 1);
    return i == 0 ? client : extra.get(i - 1);
  }

  /** Number of connections to this upstream. */
  public int connections() {
    return 1 + extra.size();
  }

  void addConnection(PeerClient c) {
    if (banned()) {
      c.close();
    } else {
      extra.add(c);
    }
  }

  long bytesReceived() {
    long n = client.bytesReceived();
    for (PeerClient c : extra) {
      n += c.bytesReceived();
    }
    return n;
  }

  long bytesSent() {
    long n = client.bytesSent();
    for (PeerClient c : extra) {
      n += c.bytesSent();
    }
    return n;
  }

  void close() {
    client.close();
    extra.forEach(PeerClient::close);
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
    close();
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
