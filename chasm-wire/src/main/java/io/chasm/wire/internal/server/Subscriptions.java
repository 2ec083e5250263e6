package io.chasm.wire.internal.server;

import io.chasm.api.Hash;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Who subscribed to which repository, and which head each was last sent. */
public final class Subscriptions {
  /** One subscription: a request id on a connection. */
  public static final class Sub {
    final ServerConnection connection;
    final long requestId;
    final String repository;
    private Hash lastSent;

    Sub(ServerConnection connection, long requestId, String repository) {
      this.connection = connection;
      this.requestId = requestId;
      this.repository = repository;
    }

    /** Sends {@code envelope} unless this subscriber already has it. */
    public void push(byte[] envelope) {
      connection.push(this, envelope);
    }

    /** True (and remembered) if {@code head} differs from what this subscriber was last sent. */
    synchronized boolean shouldSend(Hash head) {
      if (head.equals(lastSent)) {
        return false;
      }
      lastSent = head;
      return true;
    }
  }

  private final Map<String, Set<Sub>> byRepository = new ConcurrentHashMap<>();

  Sub add(ServerConnection c, long requestId, String repository) {
    Sub s = new Sub(c, requestId, repository);
    byRepository.computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).add(s);
    return s;
  }

  void remove(Sub s) {
    byRepository.computeIfPresent(s.repository, (r, set) -> {
      set.remove(s);
      return set.isEmpty() ? null : set;
    });
  }

  public Set<Sub> of(String repository) {
    return byRepository.getOrDefault(repository, Set.of());
  }

  public int size() {
    return byRepository.values().stream().mapToInt(Set::size).sum();
  }
}
