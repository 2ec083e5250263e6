package io.chasm.api.transport;

import io.chasm.api.TransportException;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;

/** A bound endpoint that accepts connections. */
public interface Listener extends Closeable {
  /**
   * Blocks until a peer connects.
   *
   * @throws TransportException if the listener was closed or the accept failed
   */
  Connection accept() throws TransportException;

  /** The URI peers connect to (with the real port when 0 was asked for). */
  URI uri();

  /** Stops accepting; a blocked {@link #accept()} throws. Idempotent. */
  @Override
  void close() throws IOException;
}
