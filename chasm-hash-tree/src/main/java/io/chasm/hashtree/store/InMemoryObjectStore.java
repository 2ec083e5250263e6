package io.chasm.hashtree.store;

import io.chasm.api.ObjectId;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link ObjectStore} in a concurrent map; for tests and small trees. */
public final class InMemoryObjectStore implements ObjectStore {
  private final ConcurrentHashMap<ObjectId, byte[]> objects = new ConcurrentHashMap<>();

  @Override
  public Optional<byte[]> get(ObjectId id) {
    byte[] b = objects.get(Objects.requireNonNull(id, "id"));
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  @Override
  public void put(ObjectId id, byte[] encoded) {
    objects.putIfAbsent(Objects.requireNonNull(id, "id"), encoded.clone());
  }

  /** Number of objects held. */
  public int size() {
    return objects.size();
  }
}
