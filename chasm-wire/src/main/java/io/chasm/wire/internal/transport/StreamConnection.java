package io.chasm.wire.internal.transport;

import io.chasm.api.transport.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.Optional;

/**
 * A connection made of two streams and a close action. Closing {@link #output()} half-closes:
 * the peer reads end of stream while this side can still read.
 */
final class StreamConnection implements Connection {
  private final InputStream in;
  private final OutputStream out;
  private final String peer;
  private final IoAction closeAll;
  private final InetAddress address;

  interface IoAction {
    void run() throws IOException;
  }

  StreamConnection(InputStream in, OutputStream out, String peer, IoAction closeAll) {
    this(in, out, peer, closeAll, null);
  }

  /** @param address the remote network address; null for a local connection */
  StreamConnection(InputStream in, OutputStream out, String peer, IoAction closeAll, InetAddress address) {
    this.address = address;
    this.in = in;
    this.out = out;
    this.peer = peer;
    this.closeAll = closeAll;
  }

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public String peerDescription() {
    return peer;
  }

  @Override
  public Optional<InetAddress> remoteAddress() {
    return Optional.ofNullable(address);
  }

  @Override
  public void close() throws IOException {
    closeAll.run();
  }

  @Override
  public String toString() {
    return "connection to " + peer;
  }
}
