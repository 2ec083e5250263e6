package io.chasm.examples.sync;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.wire.RepositoryBackend;
import java.io.IOException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A backend that serves another's data with a twist, for fault tests: a replaced head envelope,
 * chunk bytes passed through a transformation (corruption), a delay before each chunk (a slow
 * upstream).
 */
record Relay(RepositoryBackend inner, byte[] head, UnaryOperator<byte[]> chunks, long chunkDelayMillis)
    implements RepositoryBackend {

  static Relay withHead(RepositoryBackend inner, byte[] head) {
    return new Relay(inner, head, UnaryOperator.identity(), 0);
  }

  static Relay corrupting(RepositoryBackend inner) {
    return new Relay(inner, null, b -> {
      b[b.length / 2] ^= 1;
      return b;
    }, 0);
  }

  static Relay slow(RepositoryBackend inner, long chunkDelayMillis) {
    return new Relay(inner, null, UnaryOperator.identity(), chunkDelayMillis);
  }

  @Override
  public Optional<byte[]> head(String r) throws IOException, ChasmException {
    return head != null ? Optional.of(head) : inner.head(r);
  }

  @Override
  public Optional<byte[]> object(String r, ObjectId id) throws IOException, ChasmException {
    return inner.object(r, id);
  }

  @Override
  public Optional<byte[]> chunk(String r, Hash id) throws IOException, ChasmException {
    if (chunkDelayMillis > 0) {
      try {
        Thread.sleep(chunkDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return inner.chunk(r, id).map(chunks);
  }
}
