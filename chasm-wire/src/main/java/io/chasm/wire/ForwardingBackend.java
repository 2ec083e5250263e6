package io.chasm.wire;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.source.OriginChange;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A backend that passes every call on, so a decorator (admission, throttling, metrics) overrides only
 * what it changes and cannot silently drop a method added to {@link RepositoryBackend} later.
 */
public abstract class ForwardingBackend implements RepositoryBackend {
  protected final RepositoryBackend inner;

  protected ForwardingBackend(RepositoryBackend inner) {
    this.inner = inner;
  }

  @Override
  public Optional<byte[]> head(String repository) throws IOException, ChasmException {
    return inner.head(repository);
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
    return inner.object(repository, id);
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
    return inner.chunk(repository, id);
  }

  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    return inner.chunks(repository, ids);
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

  @Override
  public List<byte[]> proofs(String repository) throws IOException, ChasmException {
    return inner.proofs(repository);
  }

  @Override
  public void headSeen(String repository, byte[] envelope) throws IOException, ChasmException {
    inner.headSeen(repository, envelope);
  }
}
