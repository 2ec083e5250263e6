package io.chasm.wire.internal.transport;

import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transport;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code unix:///path/to.sock} (JDK 16+ Unix domain sockets). Listening removes a stale socket
 * file left by a dead process (but never a live one, nor a file that is not a socket), sets the
 * socket's permissions (default {@code rw-rw----}; {@code ?mode=600} overrides) and deletes the
 * file on close.
 */
public final class UnixTransport implements Transport {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  @Override
  public Set<String> schemes() {
    return Set.of("unix");
  }

  @Override
  public Connection connect(URI uri) throws TransportException {
    Path path = path(uri);
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(path));
      return wrap(ch, "unix:" + path);
    } catch (IOException e) {
      if (ch != null) {
        TcpTransport.closeQuietly(ch);
      }
      throw new TransportException("cannot connect to " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Listener listen(URI uri) throws TransportException {
    Path path = path(uri);
    Set<PosixFilePermission> mode = mode(uri);
    try {
      removeStale(path);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        server.bind(UnixDomainSocketAddress.of(path), 128);
        Files.setPosixFilePermissions(path, mode);
      } catch (IOException e) {
        server.close();
        throw e;
      }
      return new UnixListener(server, path, uri);
    } catch (IOException e) {
      throw new TransportException("cannot listen on " + uri + ": " + e.getMessage(), e);
    }
  }

  private static void removeStale(Path path) throws IOException, TransportException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new TransportException("cannot listen on " + path + ": the path exists and is not a socket");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
      throw new TransportException("cannot listen on " + path + ": another process is listening there");
    } catch (IOException refused) {
      // Nobody answers: a socket file left behind by a process that died.
      Files.deleteIfExists(path);
    }
  }

  static Connection wrap(SocketChannel ch, String peer) throws IOException {
    ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, TcpTransport.SOCKET_BUFFER);
    ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, TcpTransport.SOCKET_BUFFER);
    return new StreamConnection(ChannelStreams.input(ch), ChannelStreams.output(ch), peer, ch::close);
  }

  private static Path path(URI uri) {
    if (!"unix".equals(uri.getScheme()) || uri.getPath() == null || uri.getPath().isEmpty()
        || (uri.getHost() != null && !uri.getHost().isEmpty())) {
      throw new IllegalArgumentException("expected unix:///absolute/path.sock, got '" + uri + "'");
    }
    return Path.of(uri.getPath());
  }

  private static Set<PosixFilePermission> mode(URI uri) {
    String query = uri.getQuery();
    String octal = "660";
    if (query != null) {
      for (String kv : query.split("&")) {
        if (kv.startsWith("mode=")) {
          octal = kv.substring(5);
        }
      }
    }
    int m;
    try {
      m = Integer.parseInt(octal, 8);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("socket mode must be octal like 660, got '" + octal + "'");
    }
    if (m < 0 || m > 0777) {
      throw new IllegalArgumentException("socket mode must be between 000 and 777, got '" + octal + "'");
    }
    StringBuilder rwx = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int bit = 8; bit >= 0; bit--) {
      rwx.append((m >> bit & 1) != 0 ? letters.charAt(8 - bit) : '-');
    }
    return PosixFilePermissions.fromString(rwx.toString());
  }

  private static final class UnixListener implements Listener {
    private final ServerSocketChannel server;
    private final Path path;
    private final URI uri;

    UnixListener(ServerSocketChannel server, Path path, URI uri) {
      this.server = server;
      this.path = path;
      this.uri = uri;
    }

    @Override
    public Connection accept() throws TransportException {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        throw new TransportException("listener " + uri + " is closed", e);
      } catch (IOException e) {
        throw new TransportException("accept on " + uri + " failed: " + e.getMessage(), e);
      }
      try {
        return wrap(ch, "unix:" + path);
      } catch (IOException e) {
        TcpTransport.closeQuietly(ch);
        throw new TransportException("accept on " + uri + " failed: " + e.getMessage(), e);
      }
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public synchronized void close() throws IOException {
      if (server.isOpen()) {
        server.close();
        Files.deleteIfExists(path);
      }
    }

    @Override
    public String toString() {
      return "listener " + uri;
    }
  }
}
