package io.chasm.wire.follow;

import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.retry.Backoff;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.HeadListener;
import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.Subscription;
import io.chasm.wire.internal.Threads;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.io.Closeable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a mirror in step with its upstreams: the loop every mirror daemon runs. It subscribes to
 * each upstream (a pushed head starts a sync at once), resubscribes with backoff when a
 * subscription breaks, also syncs every {@code interval} in case a push was missed, retries a
 * failed sync with backoff, and after each sync that changed the tree hands the new head to an
 * {@link Announcer}. Syncs run one at a time; requests that arrive meanwhile coalesce into one more.
 *
 * <pre>
 *   SyncOptions sync = SyncOptions.builder(dir, trust).upstream(URI.create("tcp://origin:7420")).build();
 *   try (Follower f = Follower.builder(sync).listener(myListener).build().start()) { ... }
 * </pre>
 *
 * <p>Everything it does is reported to a {@link FollowListener}; it logs nothing itself.
 * Thread-safe.
 */
public final class Follower implements Closeable {
  /** 500 ms doubling to 30 s, no jitter: the default for both failed syncs and lost subscriptions. */
  public static final Backoff DEFAULT_BACKOFF = Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30));

  private final SyncOptions sync;
  private final String repository;
  private final SyncEngine engine;
  private final ClientOptions client;
  private final Duration interval;
  private final Backoff syncRetry;
  private final Backoff reconnect;
  private final Announcer announcer;
  private final FollowListener listener;
  private final ScheduledExecutorService worker;
  private final ScheduledExecutorService timer;
  private final boolean ownTimer;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final AtomicBoolean scrubQueued = new AtomicBoolean();
  private final AtomicLong pushedSequence = new AtomicLong();
  private final PushedHolders holders = new PushedHolders();
  private final AtomicInteger syncFailures = new AtomicInteger();
  private final List<Watch> watches = new ArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;

  private Follower(Builder b) {
    this.sync = b.sync;
    this.repository = sync.repository() != null ? sync.repository() : SyncOptions.DEFAULT_REPOSITORY;
    this.engine = new SyncEngine(sync);
    this.client = b.client;
    this.interval = b.interval;
    this.syncRetry = b.syncRetry;
    this.reconnect = b.reconnect;
    this.announcer = b.announcer;
    this.listener = b.listener;
    this.worker = Executors.newSingleThreadScheduledExecutor(Threads.named(b.threadName + "-sync"));
    this.ownTimer = b.timer == null;
    this.timer = ownTimer ? Executors.newSingleThreadScheduledExecutor(Threads.named(b.threadName + "-watch")) : b.timer;
  }

  /** A follower of the upstreams in {@code sync}, into its destination, trusting its trust policy. */
  public static Builder builder(SyncOptions sync) {
    return new Builder(sync);
  }

  /**
   * Subscribes to every upstream and runs the first sync at once.
   *
   * @return this
   * @throws IllegalStateException if already started
   */
  public Follower start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    for (URI u : sync.upstreams().stream().filter(x -> !io.chasm.wire.http.HttpMirror.accepts(x)).toList()) { // web: no push
      Watch w = new Watch(u);
      synchronized (watches) {
        watches.add(w);
      }
      timer.execute(w::connect);
    }
    long every = interval.toMillis();
    timer.scheduleWithFixedDelay(() -> requestSync("timer"), every, every, TimeUnit.MILLISECONDS);
    requestSync("start");
    return this;
  }

  /** The upstreams followed. */
  public List<URI> upstreams() {
    return sync.upstreams();
  }

  /** The tree kept in step. */
  public Path destination() {
    return sync.destination();
  }

  /** The repository subscribed to. */
  public String repository() {
    return repository;
  }

  /** Asks for a sync soon; requests made while one is queued are merged into it. */
  public void requestSync(String why) {
    if (closed || !queued.compareAndSet(false, true)) {
      return;
    }
    try {
      worker.execute(() -> {
        queued.set(false);
        runSync(why);
      });
    } catch (RejectedExecutionException e) {
      queued.set(false);
    }
  }

  /** Asks for a {@link SyncEngine#scrub()} soon (reported with reason "scrub"), in turn with the syncs. */
  public void requestScrub() {
    scrubQueued.set(true);
    requestSync("scrub");
  }

  private void runSync(String requested) {
    if (closed) {
      return;
    }
    boolean scrub = scrubQueued.getAndSet(false);
    String why = scrub ? "scrub" : requested;
    SyncResult r;
    try {
      listener.syncStarted(why);
      List<URI> extra = holders.current();
      SyncEngine e = scrub || extra.isEmpty() ? engine : new SyncEngine(sync.withExtraUpstreams(extra));
      r = scrub ? e.scrub() : e.sync();
    } catch (Exception e) {
      scrubQueued.compareAndSet(false, scrub); // a failed scrub is retried as one
      // A failure may be passing (an upstream still starting, a network blip, a peer banned
      // for bad bytes while a good one may appear): retry with backoff rather than wait for
      // the next push or interval.
      Duration delay = syncRetry.delay(syncFailures.incrementAndGet());
      listener.syncFailed(why, e, delay);
      schedule(() -> requestSync("retry"), delay);
      return;
    }
    syncFailures.set(0);
    listener.synced(r, why);
    if (!r.upToDate()) {
      announceLocalHead();
    }
  }

  private void announceLocalHead() {
    try {
      Path snapshots = StateLocation.resolve(sync.destination(), sync.state()).resolve("snapshots");
      Optional<SignedSnapshot> head = SnapshotHistory.open(snapshots).latest();
      if (head.isPresent()) {
        announcer.announce(head.get().encode(), holders.of(head.get().snapshot().sequence()));
      }
    } catch (Exception e) {
      listener.announceFailed(e);
    }
  }

  private boolean schedule(Runnable task, Duration delay) {
    if (closed) {
      return false;
    }
    try {
      timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (RejectedExecutionException closing) {
      return false;
    }
  }

  /**
   * Stops following: subscriptions are closed, no new sync starts, and a sync in progress is given
   * up to 20 s to finish (it is left at a safe point either way: each file old or new, never torn).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownTimer) {
      timer.shutdownNow();
    }
    synchronized (watches) {
      watches.forEach(Watch::close);
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(20, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    listener.closed();
  }

  /** One upstream's subscription, reconnected with backoff while the follower runs. */
  private final class Watch implements HeadListener {
    private final URI upstream;
    private PeerClient peer;
    private Subscription subscription;
    // Reconnect attempts since the last successful subscribe; only the timer thread changes it.
    private int failures;

    Watch(URI upstream) {
      this.upstream = upstream;
    }

    void connect() {
      if (closed) {
        return;
      }
      try {
        PeerClient c = PeerClient.connect(upstream, client);
        synchronized (this) {
          if (closed) {
            c.close();
            return;
          }
          peer = c;
          subscription = c.subscribe(repository, this);
        }
        failures = 0;
        listener.subscribed(upstream, repository);
      } catch (ChasmException | RuntimeException e) {
        listener.subscribeFailed(upstream, e, reconnect.delay(failures + 1));
        retryLater();
      }
    }

    private void retryLater() {
      if (schedule(this::connect, reconnect.delay(failures + 1))) {
        failures++;
      }
    }

    @Override
    public void onHead(String repo, byte[] envelope) {
      onHead(repo, envelope, List.of());
    }

    @Override
    public void onHead(String repo, byte[] envelope, List<String> named) {
      long seq;
      try {
        seq = SignedSnapshot.decode(envelope).snapshot().sequence();
      } catch (CorruptObjectException e) {
        listener.pushUndecodable(upstream, e);
        return;
      }
      // Unverified here: the sync verifies the head it fetches before acting on it.
      holders.pushed(seq, named, sync.upstreams());
      boolean newest = pushedSequence.getAndAccumulate(seq, Math::max) < seq;
      listener.pushed(upstream, seq, newest);
      requestSync("push #" + seq + " from " + upstream);
    }

    @Override
    public void onEnd(Throwable cause) {
      if (closed) {
        return;
      }
      listener.subscriptionEnded(upstream, cause);
      synchronized (this) {
        if (peer != null) {
          peer.close();
          peer = null;
        }
      }
      try {
        timer.execute(this::retryLater);
      } catch (RejectedExecutionException closing) {
        // Shutting down: nothing to reconnect.
      }
    }

    synchronized void close() {
      if (subscription != null) {
        try {
          subscription.close();
        } catch (Exception ignored) {
          // Closing the client below ends it anyway.
        }
      }
      if (peer != null) {
        peer.close();
      }
    }
  }

  /** Settings of a {@link Follower}; only the sync options are required. */
  public static final class Builder {
    private final SyncOptions sync;
    private ClientOptions client = ClientOptions.defaults();
    private Duration interval = Duration.ofMinutes(5);
    private Backoff syncRetry = DEFAULT_BACKOFF;
    private Backoff reconnect = DEFAULT_BACKOFF;
    private Announcer announcer = Announcer.NONE;
    private FollowListener listener = FollowListener.NONE;
    private ScheduledExecutorService timer;
    private String threadName = "chasm-follow";

    private Builder(SyncOptions sync) {
      this.sync = Objects.requireNonNull(sync, "sync");
    }

    /** Options of the subscription connections (the sync uses those in its {@link SyncOptions}). */
    public Builder client(ClientOptions options) {
      this.client = Objects.requireNonNull(options, "options");
      return this;
    }

    /** How often to sync even without a push (default 5 minutes). */
    public Builder interval(Duration every) {
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("interval must be positive, got " + every);
      }
      this.interval = every;
      return this;
    }

    /** Delays between a failed sync and the next try (default {@link #DEFAULT_BACKOFF}; attempts are not limited). */
    public Builder syncRetry(Backoff b) {
      this.syncRetry = Objects.requireNonNull(b, "backoff");
      return this;
    }

    /** Delays between a lost or failed subscription and the next try (default {@link #DEFAULT_BACKOFF}). */
    public Builder reconnect(Backoff b) {
      this.reconnect = Objects.requireNonNull(b, "backoff");
      return this;
    }

    /** Told of every new head after a sync that changed the tree (default: nobody). */
    public Builder announcer(Announcer a) {
      this.announcer = Objects.requireNonNull(a, "announcer");
      return this;
    }

    public Builder listener(FollowListener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * The clock of the follower's timers (interval, retries, reconnects): a test may pass a
     * scheduler it drives by hand. The follower does not shut down a timer it was given.
     */
    public Builder timer(ScheduledExecutorService t) {
      this.timer = Objects.requireNonNull(t, "timer");
      return this;
    }

    /** Prefix of the follower's thread names (default {@code chasm-follow}). */
    public Builder threadName(String prefix) {
      this.threadName = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    public Follower build() {
      return new Follower(this);
    }
  }
}
