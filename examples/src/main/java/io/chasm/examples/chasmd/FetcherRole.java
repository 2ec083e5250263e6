package io.chasm.examples.chasmd;

import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.HeadListener;
import io.chasm.wire.PeerClient;
import io.chasm.wire.Subscription;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chasmd fetcher}: follows the upstreams and keeps the tree in step. It subscribes to each
 * upstream (a pushed head newer than the local one starts a sync at once), also syncs every
 * {@code fetcher.interval} in case a push was missed, runs the sync engine into the tree, and
 * then tells the oracle, which loads the new snapshot and pushes it to this node's downstreams.
 * Syncs run one at a time; pushes that arrive meanwhile coalesce into one more sync.
 */
final class FetcherRole implements Closeable {
  /** The name every chasm server also answers to; used when {@code repository} is not set. */
  static final String DEFAULT_REPOSITORY = SyncOptions.DEFAULT_REPOSITORY;
  private static final Logger LOG = LoggerFactory.getLogger(FetcherRole.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);

  /** Tells the oracle that a new snapshot is recorded in the tree. */
  @FunctionalInterface
  interface Announcer {
    void announce(byte[] envelope) throws IOException, ChasmException;
  }

  private final Path tree;
  private final String repository;
  private final List<URI> upstreams;
  private final SyncEngine engine;
  private final Announcer announcer;
  private final List<String> advertise;
  private final ScheduledExecutorService worker;
  private final ScheduledExecutorService watchers;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final AtomicLong pushedSequence = new AtomicLong();
  private final AtomicLong retryDelay = new AtomicLong(FIRST_RETRY.toMillis());
  private final List<Watch> watches = new ArrayList<>();
  private volatile boolean closed;

  private FetcherRole(DaemonConfig c, TrustPolicy trust, Announcer announcer) {
    this.tree = c.tree();
    this.repository = c.isSet(DaemonConfig.REPOSITORY) ? c.get(DaemonConfig.REPOSITORY) : DEFAULT_REPOSITORY;
    this.upstreams = c.uris(DaemonConfig.FETCHER_UPSTREAM);
    SyncOptions.Builder b = SyncOptions.builder(tree, trust).upstreams(upstreams).flip(c.bool(DaemonConfig.FETCHER_FLIP))
        .deleteUnknown(c.bool(DaemonConfig.FETCHER_DELETE))
        .safeLinks(c.bool(DaemonConfig.FETCHER_SAFE_LINKS))
        .client(ClientOptions.defaults().withAgent("chasmd-fetcher"));
    if (c.isSet(DaemonConfig.REPOSITORY)) {
      b.repository(repository);
    }
    this.engine = new SyncEngine(b.build());
    this.announcer = announcer;
    this.advertise = c.list(DaemonConfig.FETCHER_ADVERTISE);
    this.worker = Executors.newSingleThreadScheduledExecutor(daemonThreads("chasmd-fetcher-sync"));
    this.watchers = Executors.newSingleThreadScheduledExecutor(daemonThreads("chasmd-fetcher-watch"));
  }

  /** Starts following; the first sync runs at once. */
  static FetcherRole start(DaemonConfig c, TrustPolicy trust, Announcer announcer) {
    if (c.uris(DaemonConfig.FETCHER_UPSTREAM).isEmpty()) {
      throw new IllegalArgumentException("the fetcher needs at least one upstream: set fetcher.upstream or pass --upstream URI");
    }
    if (trust == null) {
      throw new IllegalArgumentException("the fetcher needs the origin's key: set fetcher.trust or pass --trust KEY.pub");
    }
    FetcherRole f = new FetcherRole(c, trust, announcer);
    for (URI u : f.upstreams) {
      Watch w = f.new Watch(u);
      f.watches.add(w);
      f.watchers.execute(w::connect);
    }
    Duration every = c.duration(DaemonConfig.FETCHER_INTERVAL);
    f.worker.scheduleWithFixedDelay(() -> f.requestSync("timer"), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    f.requestSync("start");
    LOG.info("fetcher for {} following {} (repository '{}')", f.tree, f.upstreams, f.repository);
    return f;
  }

  /** An announcer talking to an oracle in another process over its Unix socket. */
  static Announcer overSocket(URI oracle, List<String> holders) {
    return envelope -> {
      String origin = SignedSnapshot.decode(envelope).snapshot().origin();
      try (PeerClient c = PeerClient.connect(oracle, ClientOptions.defaults().withAgent("chasmd-fetcher"))) {
        PeerClient.await(c.announce(origin, envelope, holders));
      }
    };
  }

  /** Asks for a sync soon; requests made while one is queued are merged into it. */
  void requestSync(String why) {
    if (closed || !queued.compareAndSet(false, true)) {
      return;
    }
    try {
      worker.execute(() -> {
        queued.set(false);
        runSync(why);
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      queued.set(false);
    }
  }

  private void retryAfter(long millis) {
    try {
      watchers.schedule(() -> requestSync("retry"), millis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // Shutting down: nothing to retry.
    }
  }

  private void runSync(String why) {
    if (closed) {
      return;
    }
    SyncResult r;
    try {
      LOG.debug("sync ({}) from {}", why, upstreams);
      r = engine.sync();
    } catch (ChasmException | IOException | RuntimeException e) {
      // A failure may be passing (an upstream still starting, a network blip, a peer banned
      // for bad bytes while a good one may appear): retry with backoff rather than wait for
      // the next push or interval.
      long delay = retryDelay.get();
      retryDelay.set(Math.min(delay * 2, MAX_BACKOFF.toMillis()));
      LOG.error("sync of {} failed ({}): {}: {}; retrying in {} ms", tree, why, e.getClass().getSimpleName(), e.getMessage(), delay);
      retryAfter(delay);
      return;
    }
    retryDelay.set(FIRST_RETRY.toMillis());
    if (r.upToDate()) {
      LOG.debug("up to date at #{}", r.sequence());
      return;
    }
    LOG.info(String.format(java.util.Locale.ROOT,
        "synced #%d (%s): %d added, %d changed, %d deleted; %d chunks fetched, %d reused; %,d bytes received; %.2f s",
        r.sequence(), why, r.filesAdded(), r.filesChanged(), r.filesDeleted(), r.chunksFetched(), r.chunksReused(),
        r.bytesReceived(), r.seconds()));
    r.banned().forEach(b -> LOG.warn("banned for this sync: {}", b));
    announceLocalHead();
  }

  private void announceLocalHead() {
    try {
      Optional<SignedSnapshot> head = SnapshotHistory.open(tree.resolve(".chasm").resolve("snapshots")).latest();
      if (head.isPresent()) {
        announcer.announce(head.get().encode());
      }
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.warn("synced, but could not tell the oracle (it will find the snapshot at its next poll): {}", e.getMessage());
    }
  }

  /** The holders this node advertises with its announcements. */
  List<String> advertise() {
    return advertise;
  }

  @Override
  public void close() {
    closed = true;
    watchers.shutdownNow();
    synchronized (watches) {
      watches.forEach(Watch::close);
    }
    worker.shutdown();
    try {
      // A sync in progress is left to finish its rename step: each file is old or new, never torn.
      if (!worker.awaitTermination(20, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("fetcher stopped");
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** One upstream's subscription, reconnected with backoff while the fetcher runs. */
  private final class Watch implements HeadListener {
    private final URI upstream;
    private PeerClient client;
    private Subscription subscription;
    private Duration backoff = Duration.ofMillis(500);

    Watch(URI upstream) {
      this.upstream = upstream;
    }

    void connect() {
      if (closed) {
        return;
      }
      try {
        PeerClient c = PeerClient.connect(upstream, ClientOptions.defaults().withAgent("chasmd-fetcher"));
        synchronized (this) {
          client = c;
          subscription = c.subscribe(repository, this);
        }
        backoff = Duration.ofMillis(500);
        LOG.info("subscribed to '{}' at {}", repository, upstream);
      } catch (ChasmException | RuntimeException e) {
        LOG.warn("cannot subscribe at {}: {}; retrying in {} ms", upstream, e.getMessage(), backoff.toMillis());
        retryLater();
      }
    }

    private void retryLater() {
      try {
        watchers.schedule(this::connect, backoff.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        return;
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    @Override
    public void onHead(String repo, byte[] envelope) {
      long seq;
      try {
        seq = SignedSnapshot.decode(envelope).snapshot().sequence();
      } catch (CorruptObjectException e) {
        LOG.warn("{} pushed a head that does not decode: {}", upstream, e.getMessage());
        return;
      }
      // Unverified here: the sync verifies the head it fetches before acting on it.
      if (pushedSequence.getAndAccumulate(seq, Math::max) < seq) {
        LOG.info("{} pushed #{}", upstream, seq);
      }
      requestSync("push #" + seq + " from " + upstream);
    }

    @Override
    public void onEnd(Throwable cause) {
      if (closed) {
        return;
      }
      LOG.warn("subscription at {} ended{}; reconnecting", upstream, cause == null ? "" : ": " + cause.getMessage());
      synchronized (this) {
        if (client != null) {
          client.close();
          client = null;
        }
      }
      watchers.execute(this::retryLater);
    }

    synchronized void close() {
      if (subscription != null) {
        try {
          subscription.close();
        } catch (Exception ignored) {
          // Closing the client below ends it anyway.
        }
      }
      if (client != null) {
        client.close();
      }
    }
  }
}
