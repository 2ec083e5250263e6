package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.wire.ForwardingBackend;
import io.chasm.wire.RepositoryBackend;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A backend whose objects and chunks are paid for in a {@link TokenBucket} before the server sends
 * them (the upload limit, {@code chasm serve --upload-limit}): the server sends what it reads right
 * away, so pacing the reads paces the payload on the wire without touching the connections.
 */
public final class ThrottledBackend extends ForwardingBackend {
  private final TokenBucket bucket;

  public ThrottledBackend(RepositoryBackend inner, TokenBucket bucket) {
    super(inner);
    this.bucket = bucket;
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
}
