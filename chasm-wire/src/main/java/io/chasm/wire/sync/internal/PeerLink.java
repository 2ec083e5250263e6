package io.chasm.wire.sync.internal;

import io.chasm.wire.peer.PeerClient;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The connections to one upstream peer: its first client plus any opened for a large fetch. */
public final class PeerLink {
  private final URI uri;
  private final PeerClient client;
  private final List<PeerClient> extra = new CopyOnWriteArrayList<>();
  private final AtomicInteger turn = new AtomicInteger();
  private volatile boolean closed;

  PeerLink(URI uri, PeerClient client) {
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
    if (closed) {
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
    closed = true;
    client.close();
    extra.forEach(PeerClient::close);
  }
}
