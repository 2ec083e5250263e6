package io.chasm.testkit;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.wire.RepositoryBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RepositoryBackend} held in maps: for tests, the TCK and examples. It stores what it is
 * given without checking ids, and takes every announcement as the new head without verifying it,
 * so it can also play a broken or lying peer in tests.
 */
public final class InMemoryBackend implements RepositoryBackend {
  private final Map<String, byte[]> heads = new ConcurrentHashMap<>();
  private final Map<ObjectId, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<Hash, byte[]> chunks = new ConcurrentHashMap<>();
  private final Map<String, List<String>> holders = new ConcurrentHashMap<>();

  public InMemoryBackend putHead(String repository, byte[] envelope) {
    heads.put(repository, envelope.clone());
    return this;
  }

  public InMemoryBackend putObject(ObjectId id, byte[] data) {
    objects.put(id, data.clone());
    return this;
  }

  /** Stores a chunk under the SHA-256 of its bytes and returns that id. */
  public Hash putChunk(byte[] data) {
    Hash id = Hash.sha256(data);
    chunks.put(id, data.clone());
    return id;
  }

  /** Stores bytes under any id, also a wrong one (to test that clients verify). */
  public InMemoryBackend putChunk(Hash id, byte[] data) {
    chunks.put(id, data.clone());
    return this;
  }

  public InMemoryBackend putHolders(String repository, List<String> endpoints) {
    holders.put(repository, List.copyOf(endpoints));
    return this;
  }

  @Override
  public Optional<byte[]> head(String repository) {
    return Optional.ofNullable(heads.get(repository));
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) {
    return heads.containsKey(repository) ? Optional.ofNullable(objects.get(id)) : Optional.empty();
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) {
    return heads.containsKey(repository) ? Optional.ofNullable(chunks.get(id)) : Optional.empty();
  }

  @Override
  public List<String> holders(String repository, Hash snapshot) {
    return holders.getOrDefault(repository, List.of());
  }

  @Override
  public void announce(String repository, byte[] envelope, List<String> endpoints) {
    heads.put(repository, envelope.clone());
    List<String> merged = new ArrayList<>(holders.getOrDefault(repository, List.of()));
    endpoints.stream().filter(e -> !merged.contains(e)).forEach(merged::add);
    holders.put(repository, List.copyOf(merged));
  }
}
