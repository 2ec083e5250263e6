package io.chasm.api.transport;

import io.chasm.api.TransportException;
import java.net.URI;
import java.util.Set;

/**
 * A way to carry CHASM's framed byte stream between two nodes, named by a URI scheme.
 *
 * <pre>
 *   client                              server
 *   Transports.connect(uri) ──────────▶ Listener.accept()
 *        │  Connection (bytes both ways)      │
 *        └── framing, handshake and requests are layered on top (chasm-wire)
 * </pre>
 *
 * <p>Implementations register through {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/io.chasm.api.transport.Transport} entry) and are looked up by scheme with
 * {@link Transports}. A transport moves bytes only: authentication, integrity and limits are the
 * protocol's job, so a transport never needs to be trusted.
 */
public interface Transport {
  /** URI schemes this transport serves, e.g. {@code tcp}, {@code unix}, {@code mem}. */
  Set<String> schemes();

  /**
   * Opens a connection to a listening endpoint.
   *
   * @throws TransportException if the endpoint cannot be reached
   * @throws IllegalArgumentException if the URI is malformed for this scheme
   */
  Connection connect(URI uri) throws TransportException;

  /**
   * Starts listening. For {@code tcp} a port of 0 picks a free port; {@link Listener#uri()} tells
   * which.
   *
   * @throws TransportException if the endpoint cannot be bound
   */
  Listener listen(URI uri) throws TransportException;
}
