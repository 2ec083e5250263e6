package io.chasm.api.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.Optional;

/**
 * One bidirectional byte stream. One thread may read while another writes; neither stream is
 * safe for concurrent use by several readers or several writers.
 */
public interface Connection extends Closeable {
  InputStream input() throws IOException;

  OutputStream output() throws IOException;

  /** Human-readable description of the other end for logs (never used for trust decisions). */
  String peerDescription();

  /**
   * The network address of the other end, for limits a server keeps per address (never for
   * trust); empty for local transports (Unix socket, in-process pipe), which such limits exempt.
   */
  default Optional<InetAddress> remoteAddress() {
    return Optional.empty();
  }

  /** Closes both directions; a blocked reader gets an exception or end of stream. Idempotent. */
  @Override
  void close() throws IOException;
}
