package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.source.OriginChange;
import io.chasm.wire.RepositoryBackend;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Shares the backend's reads between connections in turn. A connection takes a slot for one read
 * (an object, or one batch of chunks) and gives it back before it writes the reply, so a slot is
 * never held while a slow peer reads. The slots are a fair (FIFO) semaphore: a connection that
 * wants another slot queues behind every connection already waiting, which makes service
 * round-robin per connection however many requests one peer has queued. Every method of the
 * interface is forwarded ({@code FairBackendTest} checks), so a backend's own overrides are kept.
 */
public final class FairBackend implements RepositoryBackend {
  private final RepositoryBackend backend;
  private final Semaphore slots;

  public FairBackend(RepositoryBackend backend, int slots) {
    this.backend = backend;
    this.slots = new Semaphore(slots, true);
  }

  private interface Read<T> {
    T get() throws IOException, ChasmException;
  }

  private <T> T inTurn(Read<T> read) throws IOException, ChasmException {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("server closing");
    }
    try {
      return read.get();
    } finally {
      slots.release();
    }
  }

  /** Connections waiting for a slot now (for tests and status). */
  int waiting() {
    return slots.getQueueLength();
  }

  @Override
  public Optional<byte[]> head(String repository) throws IOException, ChasmException {
    return backend.head(repository);
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
    return inTurn(() -> backend.object(repository, id));
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
    return inTurn(() -> backend.chunk(repository, id));
  }

  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    return inTurn(() -> backend.chunks(repository, ids));
  }

  @Override
  public Optional<OriginChange> originChange(String repository, Hash id) throws IOException, ChasmException {
    return backend.originChange(repository, id);
  }

  @Override
  public List<String> holders(String repository, Hash snapshot) throws IOException, ChasmException {
    return backend.holders(repository, snapshot);
  }

  @Override
  public void announce(String repository, byte[] envelope, List<String> holders) throws IOException, ChasmException {
    backend.announce(repository, envelope, holders);
  }

  @Override
  public List<byte[]> proofs(String repository) throws IOException, ChasmException {
    return backend.proofs(repository);
  }

  @Override
  public void headSeen(String repository, byte[] envelope) throws IOException, ChasmException {
    backend.headSeen(repository, envelope);
  }
}
