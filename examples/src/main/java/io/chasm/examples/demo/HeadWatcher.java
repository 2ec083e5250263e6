package io.chasm.examples.demo;

import io.chasm.api.CorruptObjectException;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Records when each snapshot sequence is first served by a node, from its pushes. */
final class HeadWatcher {
  private final String repository;
  private final Map<String, Map<Long, Long>> heads = new ConcurrentHashMap<>();
  private final List<PeerClient> watchers = new ArrayList<>();

  HeadWatcher(String repository) {
    this.repository = repository;
  }

  void watch(String node, String uri) throws Exception {
    Map<Long, Long> seen = heads.computeIfAbsent(node, k -> new ConcurrentHashMap<>());
    PeerClient c = PeerClient.connect(URI.create(uri), ClientOptions.defaults().withAgent("chasm-demo"));
    synchronized (this) {
      watchers.add(c);
    }
    c.subscribe(repository, (repo, envelope) -> {
      try {
        seen.putIfAbsent(SignedSnapshot.decode(envelope).snapshot().sequence(), System.nanoTime());
      } catch (CorruptObjectException e) {
        System.out.println("  (" + node + " pushed an undecodable head: " + e.getMessage() + ")");
      }
    });
  }

  boolean has(String node, long sequence) {
    Map<Long, Long> m = heads.get(node);
    return m != null && m.containsKey(sequence);
  }

  /** The {@link System#nanoTime()} at which {@code node} first pushed {@code sequence}. */
  long seenAt(String node, long sequence) {
    return heads.get(node).get(sequence);
  }

  /** The sequence of the head {@code uri} serves now (0 if none, -1 if undecodable). */
  long servedSequence(String uri) throws Exception {
    try (PeerClient c = PeerClient.connect(URI.create(uri))) {
      return PeerClient.await(c.head(repository)).map(e -> {
        try {
          return SignedSnapshot.decode(e).snapshot().sequence();
        } catch (CorruptObjectException x) {
          return -1L;
        }
      }).orElse(0L);
    }
  }

  synchronized void close() {
    watchers.forEach(PeerClient::close);
    watchers.clear();
  }
}
