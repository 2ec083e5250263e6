package io.chasm.wire.peer;

import io.chasm.wire.ClientOptions;
import io.chasm.wire.HeadInfo;
import io.chasm.wire.HeadListener;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.internal.Threads;
import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.TransportException;
import io.chasm.api.retry.Backoff;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RepositoryBackend} that relays every request to another node over one {@link
 * PeerClient}: what a network-facing {@code chasmd peer} serves, relaying to its oracle over a
 * Unix socket, so the process that parses strangers' input needs no access to the tree.
 *
 * <p>The connection is opened on first use and reopened after it breaks (a request during an
 * outage fails with {@link TransportException}; the server turns that into INTERNAL and clients
 * retry elsewhere). Chunks and objects arriving from upstream are verified by the client before
 * they are relayed. If {@link #watch} names repositories, the relay subscribes to them upstream
 * and calls its head listener on every new head, so the server in front can push it on.
 * Thread-safe.
 */
public final class ClientBackend implements RepositoryBackend, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientBackend.class);
  /** The oracle is on the same host: retrying every second, without growing, keeps a relay's outage short. */
  private static final Backoff RETRY = Backoff.fixed(Duration.ofSeconds(1));

  private final URI upstream;
  private final ClientOptions options;
  private final ScheduledExecutorService retry;
  private volatile Set<String> watched = Set.of();
  private volatile Consumer<String> onHead = r -> {};
  private PeerClient client;
  private boolean closed;

  public ClientBackend(URI upstream, ClientOptions options) {
    this.upstream = upstream;
    this.options = options;
    this.retry = Executors.newSingleThreadScheduledExecutor(Threads.named("chasm-relay-retry"));
  }

  /**
   * Subscribes upstream to {@code repositories} (now and after every reconnect) and calls {@code
   * onHead} with the repository name whenever a new head arrives.
   */
  public ClientBackend watch(Collection<String> repositories, Consumer<String> onHead) {
    this.watched = Set.copyOf(repositories);
    this.onHead = onHead;
    retry.execute(this::resubscribe);
    return this;
  }

  /** Where requests are relayed to. */
  public URI upstream() {
    return upstream;
  }

  private synchronized PeerClient client() throws ChasmException {
    if (closed) {
      throw new TransportException("relay to " + upstream + " is closed");
    }
    if (client == null || !client.isOpen()) {
      client = PeerClient.connect(upstream, options);
      LOG.info("relaying to {}", upstream);
      for (String r : watched) {
        subscribe(client, r);
      }
    }
    return client;
  }

  private void subscribe(PeerClient c, String repository) {
    c.subscribe(repository, new HeadListener() {
      @Override
      public void onHead(String repo, byte[] envelope) {
        onHead.accept(repo);
      }

      @Override
      public void onEnd(Throwable cause) {
        if (cause != null && !isClosed()) {
          LOG.warn("subscription to {} at {} ended: {}; retrying", repository, upstream, cause.getMessage());
          retry.schedule(ClientBackend.this::resubscribe, RETRY.delay(1).toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    });
  }

  private void resubscribe() {
    if (isClosed() || watched.isEmpty()) {
      return;
    }
    try {
      client();
      // A reconnect may have missed pushes: let the server in front compare heads once.
      watched.forEach(onHead);
    } catch (ChasmException e) {
      LOG.warn("cannot reach {}: {}; retrying", upstream, e.getMessage());
      retry.schedule(this::resubscribe, RETRY.delay(1).toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.warn("relay to {}: {}", upstream, e.toString());
      retry.schedule(this::resubscribe, RETRY.delay(1).toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public Optional<byte[]> head(String repository) throws IOException, ChasmException {
    return PeerClient.await(client().head(repository));
  }

  /** The proofs the upstream hands out with its head (SPEC §9.19), relayed as they are. */
  @Override
  public List<byte[]> proofs(String repository) throws IOException, ChasmException {
    return PeerClient.await(client().headInfo(repository, null)).map(HeadInfo::proofs).orElse(List.of());
  }

  /** Passed on to the upstream (the oracle), which is the one that can verify it. */
  @Override
  public void headSeen(String repository, byte[] envelope) throws IOException, ChasmException {
    PeerClient.await(client().headInfo(repository, envelope));
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
    Map<ObjectId, byte[]> got = PeerClient.await(client().objects(repository, List.of(id)));
    return Optional.ofNullable(got.get(id));
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
    Map<Hash, byte[]> got = PeerClient.await(client().chunks(repository, List.of(id)));
    return Optional.ofNullable(got.get(id));
  }

  /** One pipelined upstream request per batch instead of one round trip per chunk. */
  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    Map<Hash, byte[]> got = PeerClient.await(client().chunks(repository, ids));
    List<Optional<byte[]>> out = new java.util.ArrayList<>(ids.size());
    for (Hash id : ids) {
      out.add(Optional.ofNullable(got.get(id)));
    }
    return out;
  }

  @Override
  public List<String> holders(String repository, Hash snapshot) throws IOException, ChasmException {
    return PeerClient.await(client().peers(repository, snapshot));
  }

  /** Relayed too: the upstream decides whether this relay may announce. */
  @Override
  public void announce(String repository, byte[] envelope, List<String> holders) throws IOException, ChasmException {
    PeerClient.await(client().announce(repository, envelope, holders));
  }

  @Override
  public void close() {
    PeerClient c;
    synchronized (this) {
      closed = true;
      c = client;
      client = null;
    }
    retry.shutdownNow();
    if (c != null) {
      c.close();
    }
  }

  @Override
  public String toString() {
    return "relay to " + upstream;
  }
}
