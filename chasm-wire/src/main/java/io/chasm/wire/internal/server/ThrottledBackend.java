package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.source.OriginChange;
import io.chasm.wire.RepositoryBackend;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A backend whose objects and chunks are paid for in a {@link TokenBucket} before the server sends
 * them (the upload limit, {@code chasm serve --upload-limit}): the server sends what it reads right
 * away, so pacing the reads paces the payload on the wire without touching the connections.
 */
public final class ThrottledBackend implements RepositoryBackend {
  private final RepositoryBackend inner;
  private final TokenBucket bucket;

  public ThrottledBackend(RepositoryBackend inner, TokenBucket bucket) {
    this.inner = inner;
    this.bucket = bucket;
  }

  @Override
  public Optional<byte[]> head(String repository) throws IOException, ChasmException {
    return inner.head(repository);
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
    return paid(inner.object(repository, id));
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
    return paid(inner.chunk(repository, id));
  }

  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    List<Optional<byte[]>> out = inner.chunks(repository, ids);
    long n = 0;
    for (Optional<byte[]> d : out) {
      n += d.map(b -> b.length).orElse(0);
    }
    bucket.take(n);
    return out;
  }

  private Optional<byte[]> paid(Optional<byte[]> data) throws IOException {
    if (data.isPresent()) {
      bucket.take(data.get().length);
    }
    return data;
  }

  @Override
  public Optional<OriginChange> originChange(String repository, Hash id) throws IOException, ChasmException {
    return inner.originChange(repository, id);
  }

  @Override
  public List<String> holders(String repository, Hash snapshot) throws IOException, ChasmException {
    return inner.holders(repository, snapshot);
  }

  @Override
  public void announce(String repository, byte[] envelope, List<String> holders) throws IOException, ChasmException {
    inner.announce(repository, envelope, holders);
  }
}
