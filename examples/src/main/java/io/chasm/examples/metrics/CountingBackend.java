package io.chasm.examples.metrics;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.wire.ForwardingBackend;
import io.chasm.wire.RepositoryBackend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A {@link RepositoryBackend} that counts what it hands the server to send: objects and chunks,
 * their number and bytes ({@code chasm_served_*{kind}}). Every call is passed on unchanged, so it
 * can wrap any backend through {@code PeerServer.Builder.decorateBackend}.
 */
public final class CountingBackend extends ForwardingBackend {
  private final Counter objects;
  private final Counter objectBytes;
  private final Counter chunks;
  private final Counter chunkBytes;

  public CountingBackend(RepositoryBackend inner, MeterRegistry registry) {
    super(inner);
    this.objects = Counter.builder(MetricNames.SERVED_ITEMS).tag("kind", "object").description("objects sent to peers").register(registry);
    this.objectBytes = Counter.builder(MetricNames.SERVED_BYTES).tag("kind", "object").baseUnit("bytes").register(registry);
    this.chunks = Counter.builder(MetricNames.SERVED_ITEMS).tag("kind", "chunk").register(registry);
    this.chunkBytes = Counter.builder(MetricNames.SERVED_BYTES).tag("kind", "chunk").baseUnit("bytes").register(registry);
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
    Optional<byte[]> o = inner.object(repository, id);
    o.ifPresent(b -> count(objects, objectBytes, b));
    return o;
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
    Optional<byte[]> c = inner.chunk(repository, id);
    c.ifPresent(b -> count(chunks, chunkBytes, b));
    return c;
  }

  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    List<Optional<byte[]>> out = inner.chunks(repository, ids);
    out.forEach(c -> c.ifPresent(b -> count(chunks, chunkBytes, b)));
    return out;
  }

  private static void count(Counter n, Counter bytes, byte[] b) {
    n.increment();
    bytes.increment(b.length);
  }
}
