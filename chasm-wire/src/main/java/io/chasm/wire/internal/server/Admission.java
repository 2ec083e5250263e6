package io.chasm.wire.internal.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether a new connection is served: at most {@code maxPerAddress} network connections
 * from one address, and at most {@code maxConnections} in all, where a full server evicts a
 * connection of the address holding the most (if that is more than the newcomer's address
 * holds), the one that costs least to lose (a handshake
 * that has not even sent a Hello, then one waiting for Auth, then the longest idle, then the
 * longest blocked writer, then the longest idle subscriber) instead of refusing the newcomer.
 * This host's own address is not limited per address ({@link #isThisHost}), but is evicted like any. Local connections (no address) are neither counted per address nor evicted. Its
 * memory grows with admitted connections only, never with refused ones.
 *
 * @param <C> the connection type; {@code activity} tells how each one is doing
 */
public final class Admission<C> {
  /**
   * The answer for one new connection: admitted (perhaps at the cost of {@code evict}) or refused.
   *
   * @param nth how many refusals (if refused) or evictions (if one was made) there have been, this one included
   */
  public record Verdict<C>(boolean admitted, C evict, String refusal, long nth) {
    /** True for the first and every thousandth: a flood of refusals must not flood the log too. */
    public boolean worthLogging() {
      return nth == 1 || nth % 1000 == 0;
    }
  }

  private record Entry(InetAddress address, ConnectionActivity activity) {}

  private final int maxConnections;
  private final int maxPerAddress;
  private final Function<C, ConnectionActivity> activity;
  private final Map<C, Entry> admitted = new LinkedHashMap<>();
  private final Map<InetAddress, Integer> perAddress = new HashMap<>();
  private long refused;
  private long evicted;

  public Admission(int maxConnections, int maxPerAddress, Function<C, ConnectionActivity> activity) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.activity = activity;
  }

  /** Admits {@code c} from {@code address} (empty: local) at ticker time {@code now}, or says why not. */
  public synchronized Verdict<C> admit(C c, Optional<InetAddress> address, long now) {
    InetAddress a = address.orElse(null);
    if (a != null && !isThisHost(a) && perAddress.getOrDefault(a, 0) >= maxPerAddress) {
      return new Verdict<>(false, null, "too many connections from " + a.getHostAddress() + " (limit " + maxPerAddress + ")", ++refused);
    }
    C victim = null;
    if (admitted.size() >= maxConnections) {
      victim = cheapest(now, a == null ? 0 : perAddress.getOrDefault(a, 0));
      if (victim == null) {
        return new Verdict<>(false, null, "too many connections, retry later", ++refused);
      }
      release(victim);
      evicted++;
    }
    admitted.put(c, new Entry(a, activity.apply(c)));
    if (a != null) {
      perAddress.merge(a, 1, Integer::sum);
    }
    return new Verdict<>(true, victim, null, victim == null ? 0 : evicted);
  }

  /**
   * 127.0.0.1 and ::1: this host's own processes (tests and demo tiers on one machine, a TLS
   * terminator or proxy in front of the server, which would otherwise count as one peer). Other
   * loopback addresses (127.0.0.2, ...) count like remote hosts.
   */
  static boolean isThisHost(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return b[0] == 127 && b[1] == 0 && b[2] == 0 && b[3] == 1;
    }
    for (int i = 0; i < 15; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[15] == 1;
  }

  /** Forgets {@code c} (closed or evicted); idempotent. */
  public synchronized void release(C c) {
    Entry e = admitted.remove(c);
    if (e != null && e.address() != null) {
      perAddress.computeIfPresent(e.address(), (k, n) -> n == 1 ? null : n - 1);
    }
  }

  public synchronized long refused() {
    return refused;
  }

  public synchronized long evicted() {
    return evicted;
  }

  public synchronized int size() {
    return admitted.size();
  }

  /** Addresses with at least one connection (bounded by the admitted connections). */
  synchronized int addresses() {
    return perAddress.size();
  }

  /**
   * The evictable network connection from the address holding the most connections, provided
   * it holds more than the newcomer's address ({@code newcomerHas}); among those, the lowest
   * eviction class, then the longest wait. So a peer with one connection is evicted only when no
   * address has more, a crowd from few addresses evicts itself, and a crowd that reconnects
   * every socket the server drops is refused (cheap) instead of churning the server.
   */
  private C cheapest(long now, int newcomerHas) {
    C best = null;
    long[] bestKey = null;
    for (Map.Entry<C, Entry> e : admitted.entrySet()) {
      InetAddress a = e.getValue().address();
      if (a == null) {
        continue;
      }
      int has = perAddress.get(a);
      long[] r = has > newcomerHas ? e.getValue().activity().evictionRank(now) : null;
      if (r == null) {
        continue;
      }
      long[] key = {-has, r[0], -r[1]};
      if (bestKey == null || java.util.Arrays.compare(key, bestKey) < 0) {
        best = e.getKey();
        bestKey = key;
      }
    }
    return best;
  }
}
