package io.chasm.wire.internal.transport;

import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transport;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code mem://name}: in-process connections through bounded pipes, for tests. Names are global
 * to the JVM while their listener is open.
 */
public final class MemTransport implements Transport {
  /** 256 KiB per direction: one large chunk in flight, like a small socket buffer. */
  private static final int PIPE_CAPACITY = 256 << 10;

  private static final ConcurrentMap<String, MemListener> LISTENERS = new ConcurrentHashMap<>();

  @Override
  public Set<String> schemes() {
    return Set.of("mem");
  }

  @Override
  public Connection connect(URI uri) throws TransportException {
    String name = name(uri);
    MemListener listener = LISTENERS.get(name);
    if (listener == null) {
      throw new TransportException("cannot connect to " + uri + ": nobody listens there");
    }
    MemPipe toServer = new MemPipe(PIPE_CAPACITY);
    MemPipe toClient = new MemPipe(PIPE_CAPACITY);
    Connection client = connection(toClient, toServer, "mem:" + name + " (server)");
    Connection server = connection(toServer, toClient, "mem:" + name + " (client)");
    listener.offer(server, uri);
    return client;
  }

  private static Connection connection(MemPipe in, MemPipe out, String peer) {
    return new StreamConnection(
        in.input,
        out.output,
        peer,
        () -> {
          out.closeWriter();
          in.closeReader();
        });
  }

  @Override
  public Listener listen(URI uri) throws TransportException {
    String name = name(uri);
    MemListener listener = new MemListener(name, uri);
    if (LISTENERS.putIfAbsent(name, listener) != null) {
      throw new TransportException("cannot listen on " + uri + ": the name is taken");
    }
    return listener;
  }

  private static String name(URI uri) {
    String name = uri.getSchemeSpecificPart();
    if (!"mem".equals(uri.getScheme()) || name == null || !name.startsWith("//") || name.length() < 3) {
      throw new IllegalArgumentException("expected mem://name, got '" + uri + "'");
    }
    return name.substring(2);
  }

  private static final class MemListener implements Listener {
    private final String name;
    private final URI uri;
    private final Deque<Connection> pending = new ArrayDeque<>();
    private boolean closed;

    MemListener(String name, URI uri) {
      this.name = name;
      this.uri = uri;
    }

    synchronized void offer(Connection c, URI target) throws TransportException {
      if (closed) {
        throw new TransportException("cannot connect to " + target + ": the listener closed");
      }
      pending.add(c);
      notifyAll();
    }

    @Override
    public synchronized Connection accept() throws TransportException {
      while (pending.isEmpty()) {
        if (closed) {
          throw new TransportException("listener " + uri + " is closed");
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TransportException("interrupted while accepting on " + uri, e);
        }
      }
      if (closed) {
        throw new TransportException("listener " + uri + " is closed");
      }
      return pending.poll();
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        for (Connection c : pending) {
          TcpTransport.closeQuietly(c);
        }
        pending.clear();
        notifyAll();
      }
      LISTENERS.remove(name, this);
    }

    @Override
    public String toString() {
      return "listener " + uri;
    }
  }
}
