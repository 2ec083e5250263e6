package io.chasm.api.transport;

import io.chasm.api.TransportException;
import java.net.URI;
import java.util.ServiceLoader;

/** Finds the {@link Transport} registered for a URI's scheme. */
public final class Transports {
  private Transports() {}

  /**
   * @throws IllegalArgumentException if no registered transport serves the URI's scheme
   */
  public static Transport forUri(URI uri) {
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException("endpoint '" + uri + "' has no scheme (expected e.g. tcp://host:port)");
    }
    for (Transport t : ServiceLoader.load(Transport.class, Transports.class.getClassLoader())) {
      if (t.schemes().contains(scheme)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no transport for scheme '" + scheme + "' in '" + uri + "'");
  }

  public static Connection connect(URI uri) throws TransportException {
    return forUri(uri).connect(uri);
  }

  public static Listener listen(URI uri) throws TransportException {
    return forUri(uri).listen(uri);
  }
}
