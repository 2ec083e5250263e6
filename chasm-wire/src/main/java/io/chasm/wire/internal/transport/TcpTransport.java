package io.chasm.wire.internal.transport;

import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transport;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/** {@code tcp://host:port}; port 0 when listening picks a free port. */
public final class TcpTransport implements Transport {
  /** Socket buffers large enough to keep a loopback or LAN pipe full of 256 KiB chunks. */
  static final int SOCKET_BUFFER = 1 << 20;

  private static final int CONNECT_TIMEOUT_MS = 10_000;

  @Override
  public Set<String> schemes() {
    return Set.of("tcp");
  }

  @Override
  public Connection connect(URI uri) throws TransportException {
    InetSocketAddress address = address(uri, false);
    Socket socket = new Socket();
    try {
      socket.setReceiveBufferSize(SOCKET_BUFFER);
      socket.setSendBufferSize(SOCKET_BUFFER);
      socket.connect(address, CONNECT_TIMEOUT_MS);
      return wrap(socket);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new TransportException("cannot connect to " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Listener listen(URI uri) throws TransportException {
    InetSocketAddress address = address(uri, true);
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.setReceiveBufferSize(SOCKET_BUFFER);
      try {
        server.bind(address, 128);
      } catch (IOException e) {
        server.close();
        throw e;
      }
      String host = uri.getHost();
      URI bound = new URI("tcp", null, host, server.getLocalPort(), null, null, null);
      return new TcpListener(server, bound);
    } catch (IOException | URISyntaxException e) {
      throw new TransportException("cannot listen on " + uri + ": " + e.getMessage(), e);
    }
  }

  static Connection wrap(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    socket.setKeepAlive(true);
    OutputStream raw = socket.getOutputStream();
    OutputStream halfClosing =
        new FilterOutputStream(raw) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            raw.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
              raw.flush();
              socket.shutdownOutput();
            }
          }
        };
    // A URI as the operator would write it (tcp://HOST:PORT, IPv6 in brackets): it shows in bans and logs.
    InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
    String host = remote.getAddress().getHostAddress();
    String peer = "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + remote.getPort();
    return new StreamConnection(socket.getInputStream(), halfClosing, peer, socket::close, socket.getInetAddress());
  }

  private static InetSocketAddress address(URI uri, boolean listening) {
    if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("expected tcp://host:port, got '" + uri + "'");
    }
    int port = uri.getPort();
    if (port < 0 || port > 65535 || (port == 0 && !listening)) {
      throw new IllegalArgumentException("'" + uri + "' needs a port" + (listening ? "" : " other than 0"));
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new InetSocketAddress(host, port);
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Already failing; the first error is the one reported.
    }
  }

  private static final class TcpListener implements Listener {
    private final ServerSocket server;
    private final URI uri;

    TcpListener(ServerSocket server, URI uri) {
      this.server = server;
      this.uri = uri;
    }

    @Override
    public Connection accept() throws TransportException {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketException e) {
        throw new TransportException("listener " + uri + " is closed", e);
      } catch (IOException e) {
        throw new TransportException("accept on " + uri + " failed: " + e.getMessage(), e);
      }
      try {
        s.setSendBufferSize(SOCKET_BUFFER);
        return wrap(s);
      } catch (IOException e) {
        closeQuietly(s);
        throw new TransportException("accept on " + uri + " failed: " + e.getMessage(), e);
      }
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }

    @Override
    public String toString() {
      return "listener " + uri;
    }
  }
}
