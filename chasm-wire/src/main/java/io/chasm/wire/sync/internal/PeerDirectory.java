package io.chasm.wire.sync.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The peers one sync learned through peer exchange (SPEC §9.13), bounded so that no peer can flood
 * it: at most {@code perSource} entries taken from any one source and {@code total} in all; only
 * {@code tcp://host:port} endpoints (a Unix socket named by another node means nothing here);
 * loopback, private (RFC 1918, RFC 4193), link-local, multicast and unspecified addresses are
 * dropped when learned from a peer at a public address, unless allowed (a test swarm on loopback,
 * a mirror network on a private LAN); duplicates, the configured upstreams and the node itself are
 * dropped. Names are not resolved here (no DNS query for a stranger's hint); only literal addresses
 * and {@code localhost} are classified. Not thread-safe: one sync's thread fills it.
 */
public final class PeerDirectory {
  private final int perSource;
  private final int total;
  private final boolean allowPrivate;
  private final Set<String> known = new LinkedHashSet<>();
  private final List<URI> learned = new ArrayList<>();
  private int dropped;

  /** @param known the node's own endpoints and configured upstreams: never learned */
  public PeerDirectory(int perSource, int total, boolean allowPrivate, Iterable<URI> known) {
    if (perSource < 0 || total < 0) {
      throw new IllegalArgumentException("negative bound");
    }
    this.perSource = perSource;
    this.total = total;
    this.allowPrivate = allowPrivate;
    for (URI u : known) {
      this.known.add(key(u));
    }
  }

  /**
   * Takes what {@code source} listed, in its order, within the bounds.
   *
   * @return the endpoints taken from this answer
   */
  public List<URI> offer(URI source, List<String> endpoints) {
    boolean fromPublic = !isLocal(source.getHost());
    List<URI> took = new ArrayList<>();
    for (String e : endpoints) {
      if (took.size() >= perSource || learned.size() >= total) {
        dropped += 1;
        continue;
      }
      URI u = valid(e);
      if (u == null || (fromPublic && !allowPrivate && isLocal(u.getHost())) || !known.add(key(u))) {
        dropped++;
        continue;
      }
      learned.add(u);
      took.add(u);
    }
    return took;
  }

  /** Every peer learned so far, in the order learned. */
  public List<URI> peers() {
    return List.copyOf(learned);
  }

  /** Endpoints refused so far (malformed, private, duplicate, over a bound). */
  public int dropped() {
    return dropped;
  }

  /** A well-formed {@code tcp://host:port} and nothing else, or null. */
  static URI valid(String endpoint) {
    if (endpoint == null || endpoint.length() > 255) {
      return null;
    }
    try {
      URI u = new URI(endpoint);
      if (!"tcp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535
          || u.getRawUserInfo() != null || (u.getRawPath() != null && !u.getRawPath().isEmpty())
          || u.getRawQuery() != null || u.getRawFragment() != null) {
        return null;
      }
      return new URI("tcp", null, u.getHost().toLowerCase(Locale.ROOT), u.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** Loopback, private, link-local, multicast or unspecified; a name other than localhost is not. */
  static boolean isLocal(String host) {
    if (host == null) {
      return true;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || h.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
      return true;
    }
    if (!isLiteral(h)) {
      return false;
    }
    try {
      InetAddress a = InetAddress.getByName(h); // a literal: parsed, never looked up
      byte[] b = a.getAddress();
      boolean ula = b.length == 16 && (b[0] & 0xfe) == 0xfc;
      return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
          || a.isMulticastAddress() || ula;
    } catch (UnknownHostException e) {
      return true;
    }
  }

  private static boolean isLiteral(String h) {
    return h.contains(":") || h.matches("[0-9.]+");
  }

  private static String key(URI u) {
    String host = u.getHost() == null ? String.valueOf(u) : u.getHost().toLowerCase(Locale.ROOT);
    return u.getScheme() + "://" + host + ":" + u.getPort();
  }
}
