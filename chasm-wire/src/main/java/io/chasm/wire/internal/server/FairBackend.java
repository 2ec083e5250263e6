package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.wire.ForwardingBackend;
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
 * round-robin per connection however many requests one peer has queued. The other calls pass
 * straight through.
 */
public final class FairBackend extends ForwardingBackend {
  private final Semaphore slots;

  public FairBackend(RepositoryBackend backend, int slots) {
    super(backend);
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
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
    return inTurn(() -> inner.object(repository, id));
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
    return inTurn(() -> inner.chunk(repository, id));
  }

  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    return inTurn(() -> inner.chunks(repository, ids));
  }
}
