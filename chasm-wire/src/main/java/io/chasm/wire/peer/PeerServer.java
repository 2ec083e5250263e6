package io.chasm.wire.peer;

import io.chasm.wire.Capabilities;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.ServerLimits;
import io.chasm.wire.WireLimits;
import io.chasm.api.ChasmException;
import io.chasm.api.Ticker;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transports;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureVerifier;
import io.chasm.api.trust.Signer;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.wire.internal.Threads;
import io.chasm.wire.internal.server.Admission;
import io.chasm.wire.internal.server.FairBackend;
import io.chasm.wire.internal.server.ServerConfig;
import io.chasm.wire.internal.server.ServerConnection;
import io.chasm.wire.internal.server.Subscriptions;
import io.chasm.wire.proto.peer.ErrorCode;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the repositories of a {@link RepositoryBackend} to peers over any transport (SPEC §8,
 * §9).
 *
 * <pre>
 *   PeerServer server = PeerServer.builder(backend).identity(nodeKey).build();
 *   URI uri = server.listen(URI.create("tcp://0.0.0.0:0"));   // may listen on several URIs
 *   ...                                                        // backend gets a new head:
 *   server.publish("debian");                                  // pushed to every subscriber
 *   server.close();                                            // graceful: Goodbye to all
 * </pre>
 *
 * <p>Threads: one accept thread per listener, one thread per admitted connection, a watchdog that
 * cuts off connections past a deadline of {@link ServerLimits} (handshake, idle, a frame arriving
 * too slowly, a peer not reading), and a small pool for subscription pushes. Admission keeps the
 * server for peers that use it (SPEC §8.13): at most {@link ServerLimits#maxPerAddress()}
 * network connections per remote address, and at {@link WireLimits#maxConnections()} a
 * connection is evicted for the newcomer: from the address holding the most, the one that costs
 * least to lose (an unfinished handshake, then the longest idle); only when every connection is
 * busy is the newcomer told UNAVAILABLE. Backend
 * reads take turns between connections ({@link ServerLimits#serviceSlots()}).
 */
public final class PeerServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerServer.class);

  private final ServerConfig config;
  private final Subscriptions subscriptions = new Subscriptions();
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
  private final Admission<ServerConnection> admission;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor workers;
  private final ExecutorService pushers;
  private final ScheduledExecutorService watchdog;
  private volatile boolean closed;

  private PeerServer(ServerConfig config) {
    this.config = config;
    this.admission = new Admission<>(config.limits().maxConnections(), config.serverLimits().maxPerAddress(),
        ServerConnection::activity);
    // Unbounded on purpose: admission bounds the connections; an evicted one's thread ends soon.
    this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), Threads.named("chasm-peer-conn"));
    this.pushers = Executors.newFixedThreadPool(2, Threads.named("chasm-peer-push"));
    this.watchdog = Executors.newSingleThreadScheduledExecutor(Threads.named("chasm-peer-watchdog"));
    ServerLimits sl = config.serverLimits();
    long tick = Math.max(50, Math.min(1000, Math.min(Math.min(sl.handshakeTimeout().toMillis(), sl.writeTimeout().toMillis()),
        Math.min(sl.idleTimeout().toMillis(), sl.frameGrace().toMillis())) / 4));
    watchdog.scheduleWithFixedDelay(this::cutOffStuck, tick, tick, TimeUnit.MILLISECONDS);
  }

  public static Builder builder(RepositoryBackend backend) {
    return new Builder(backend);
  }

  /**
   * Starts listening and accepting on {@code uri} (any registered transport).
   *
   * @return the bound URI (with the real port when port 0 was asked for)
   * @throws TransportException if the endpoint cannot be bound
   */
  public URI listen(URI uri) throws TransportException {
    if (closed) {
      throw new IllegalStateException("server is closed");
    }
    Listener l = Transports.listen(uri);
    listeners.add(l);
    Thread t = Threads.named("chasm-peer-accept").newThread(() -> acceptLoop(l));
    t.start();
    LOG.info("serving on {}", l.uri());
    return l.uri();
  }

  /** The URIs this server listens on. */
  public List<URI> uris() {
    List<URI> out = new ArrayList<>();
    for (Listener l : listeners) {
      out.add(l.uri());
    }
    return out;
  }

  private void acceptLoop(Listener l) {
    while (!closed) {
      Connection c;
      try {
        c = l.accept();
      } catch (TransportException e) {
        if (!closed) {
          LOG.warn("stopped accepting on {}: {}", l.uri(), e.getMessage());
        }
        return;
      }
      serve(c);
    }
  }

  /** Serves one already-open connection (e.g. one end of an in-process pair). */
  public void serve(Connection c) {
    ServerConnection sc;
    try {
      sc = new ServerConnection(c, config, subscriptions, this::closed, this::publish);
    } catch (IOException e) {
      closeQuietly(c);
      return;
    }
    Admission.Verdict<ServerConnection> v = admission.admit(sc, c.remoteAddress(), config.ticker().nanos());
    if (!v.admitted()) {
      if (v.worthLogging()) {
        LOG.warn("refusing {}: {} ({} refused so far)", sc.peer(), v.refusal(), v.nth());
      }
      sc.goodbye(ErrorCode.UNAVAILABLE, v.refusal());
      return;
    }
    if (v.evict() != null) {
      if (v.worthLogging()) {
        LOG.info("server full: evicting {} to admit {} ({} evicted so far)", v.evict().peer(), sc.peer(), v.nth());
      }
      v.evict().cutOff("evicted for a new connection (server full), retry later");
    }
    connections.add(sc);
    try {
      workers.execute(sc);
    } catch (RejectedExecutionException e) {
      sc.goodbye(ErrorCode.UNAVAILABLE, "server shutting down");
    }
  }

  private void closed(ServerConnection sc) {
    connections.remove(sc);
    admission.release(sc);
  }

  /**
   * Pushes the backend's current head of {@code repository} to every subscriber that does not
   * have it yet. Returns at once; pushes happen on the server's push threads.
   */
  public void publish(String repository) {
    if (closed) {
      return;
    }
    try {
      pushers.execute(() -> {
        Optional<byte[]> head;
        try {
          head = config.backend().head(repository);
        } catch (IOException | ChasmException | RuntimeException e) {
          LOG.warn("cannot read head of {} to publish: {}", repository, e.toString());
          return;
        }
        head.ifPresent(envelope -> subscriptions.of(repository).forEach(s -> pushTo(s, envelope)));
      });
    } catch (RejectedExecutionException e) {
      // Closing: nobody to push to.
    }
  }

  private static void pushTo(Subscriptions.Sub s, byte[] envelope) {
    s.push(envelope);
  }

  /** Connections currently open. */
  public int connectionCount() {
    return connections.size();
  }

  /** Active subscriptions over all connections. */
  public int subscriptionCount() {
    return subscriptions.size();
  }

  /** Connections refused since the server started (per-address limit, or full with nothing to evict). */
  public long refusedCount() {
    return admission.refused();
  }

  /** Connections evicted since the server started to admit a newcomer when it was full. */
  public long evictedCount() {
    return admission.evicted();
  }

  private void cutOffStuck() {
    long now = config.ticker().nanos();
    for (ServerConnection c : connections) {
      String why = c.overdue(now);
      if (why != null) {
        LOG.debug("cutting off {}: {}", c.peer(), why);
        c.cutOff(why);
      }
    }
  }

  /**
   * Stops accepting, tells every connection UNAVAILABLE (Goodbye), closes them and waits briefly
   * for their threads. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Listener l : listeners) {
      closeQuietly(l);
    }
    for (ServerConnection c : connections) {
      c.goodbye(ErrorCode.UNAVAILABLE, "server shutting down");
    }
    workers.shutdown();
    pushers.shutdown();
    watchdog.shutdownNow();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
      pushers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // Shutting down; nothing useful to do.
    }
  }

  /** Configures a {@link PeerServer}; every setting has a safe default. */
  public static final class Builder {
    private RepositoryBackend backend;
    private Signer identity;
    private SignatureVerifier verifier = Ed25519.verifier();
    private Set<PublicKey> allowlist;
    private Set<PublicKey> announcers = Set.of();
    private boolean anyoneMayAnnounce;
    private WireLimits limits = WireLimits.defaults();
    private List<String> capabilities = Capabilities.ALL;
    private ServerLimits serverLimits = ServerLimits.defaults();
    private Ticker ticker = Ticker.SYSTEM;
    private String agent = "chasm-java";

    private Builder(RepositoryBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The node key this server proves in the handshake; none = anonymous server. */
    public Builder identity(Signer identity) {
      this.identity = identity;
      return this;
    }

    public Builder verifier(SignatureVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier);
      return this;
    }

    /** Serve only clients proving one of these keys (policy ALLOWLIST); default: anyone may read. */
    public Builder allowlist(Collection<PublicKey> keys) {
      this.allowlist = Set.copyOf(keys);
      return this;
    }

    /** Clients proving one of these keys may Announce (they are admitted under an allowlist too). */
    public Builder announcers(Collection<PublicKey> keys) {
      this.announcers = Set.copyOf(keys);
      return this;
    }

    /**
     * Lets every client Announce, anonymous ones included. Only for a listener nobody else can
     * reach, such as a Unix socket with mode 600 between the processes of one node.
     */
    public Builder anyoneMayAnnounce(boolean yes) {
      this.anyoneMayAnnounce = yes;
      return this;
    }

    /**
     * Limits the objects and chunks the whole server sends to {@code bytesPerSecond}, shared
     * between its connections in turn (a token bucket paced before each backend read is sent).
     * Call once.
     */
    public Builder uploadLimit(long bytesPerSecond) {
      this.backend = new io.chasm.wire.internal.server.ThrottledBackend(backend,
          new io.chasm.wire.internal.server.TokenBucket(bytesPerSecond, io.chasm.api.Ticker.SYSTEM));
      return this;
    }

    /** Endpoints listed first in every GetPeers answer (this node's other addresses, sibling mirrors). */
    public Builder advertise(List<String> endpoints) {
      this.backend = new io.chasm.wire.internal.server.AdvertisingBackend(backend, endpoints);
      return this;
    }

    public Builder limits(WireLimits limits) {
      this.limits = Objects.requireNonNull(limits);
      return this;
    }

    /** Capabilities offered (default {@link Capabilities#ALL}); e.g. drop zstd to save CPU. */
    public Builder capabilities(List<String> capabilities) {
      this.capabilities = List.copyOf(capabilities);
      return this;
    }

    /** A connection that has not finished the handshake by then is closed (default 10 s). */
    public Builder handshakeTimeout(Duration d) {
      this.serverLimits = serverLimits.withHandshakeTimeout(d);
      return this;
    }

    /** A connection whose write has been blocked that long (peer not reading) is closed (default 60 s). */
    public Builder writeTimeout(Duration d) {
      this.serverLimits = serverLimits.withWriteTimeout(d);
      return this;
    }

    /** Deadlines, per-address limit and fair sharing (default {@link ServerLimits#defaults()}). */
    public Builder serverLimits(ServerLimits l) {
      this.serverLimits = Objects.requireNonNull(l);
      return this;
    }

    /** The clock every deadline is measured on (default the system's); tests drive it by hand. */
    public Builder ticker(Ticker t) {
      this.ticker = Objects.requireNonNull(t);
      return this;
    }

    public Builder agent(String agent) {
      this.agent = Objects.requireNonNull(agent);
      return this;
    }

    /**
     * Wraps the backend given to {@link PeerServer#builder} (a daemon counting what it serves, for
     * its metrics); every call of the server goes through the wrapper.
     */
    public Builder decorateBackend(java.util.function.UnaryOperator<RepositoryBackend> decorator) {
      this.backend = Objects.requireNonNull(decorator.apply(backend), "decorated backend");
      return this;
    }

    public PeerServer build() {
      return new PeerServer(new ServerConfig(new FairBackend(backend, serverLimits.serviceSlots()), identity, verifier,
          allowlist, announcers, anyoneMayAnnounce, limits, capabilities, serverLimits, ticker, agent));
    }
  }
}
