package io.chasm.wire.follow;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The holders named with the newest pushed head (SPEC §9.20): extra sources for the sync that
 * fetches it, and the holders this node passes on when it announces the snapshot in turn. They
 * are unverified hints from an upstream, so only well-formed {@code tcp://} and {@code unix:}
 * URIs are kept, at most {@link #MAX} of them, and a head older than the newest pushed one cannot
 * replace its holders. Thread-safe.
 */
final class PushedHolders {
  /** Enough sources to spread one sync over; more would only cost connections. */
  static final int MAX = 16;

  private long sequence;
  private final Set<URI> holders = new LinkedHashSet<>();

  /** Records {@code named} for head {@code seq}; holders of the same sequence from other upstreams add up. */
  synchronized void pushed(long seq, List<String> named, List<URI> configured) {
    if (seq < sequence) {
      return;
    }
    if (seq > sequence) {
      sequence = seq;
      holders.clear();
    }
    for (String s : named) {
      URI u = parse(s);
      if (u != null && holders.size() < MAX && !configured.contains(u)) {
        holders.add(u);
      }
    }
  }

  /** The holders of the newest pushed head, to sync from besides the configured upstreams. */
  synchronized List<URI> current() {
    return List.copyOf(holders);
  }

  /** The holders to pass on with snapshot {@code seq}: those pushed with it, or none. */
  synchronized List<String> of(long seq) {
    if (seq != sequence) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    holders.forEach(u -> out.add(u.toString()));
    return out;
  }

  static URI parse(String s) {
    try {
      URI u = new URI(s);
      boolean tcp = "tcp".equals(u.getScheme()) && u.getHost() != null && u.getPort() > 0;
      boolean unix = "unix".equals(u.getScheme()) && u.getPath() != null && !u.getPath().isEmpty();
      return tcp || unix ? u : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
