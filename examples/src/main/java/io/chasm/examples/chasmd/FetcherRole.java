package io.chasm.examples.chasmd;

import io.chasm.api.ChasmException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.metrics.FollowListeners;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.follow.Announcer;
import io.chasm.wire.follow.FollowListener;
import io.chasm.wire.follow.Follower;
import io.chasm.wire.serve.OracleBackend;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chasmd fetcher}: a {@link Follower} built from the daemon's config, keeping the tree in
 * step with the upstreams and telling the oracle of every new snapshot, with its events logged.
 */
final class FetcherRole implements Closeable {
  /** The name every chasm server also answers to; used when {@code repository} is not set. */
  static final String DEFAULT_REPOSITORY = SyncOptions.DEFAULT_REPOSITORY;
  private static final Logger LOG = LoggerFactory.getLogger(FetcherRole.class);
  private static final ClientOptions CLIENT = ClientOptions.defaults().withAgent("chasmd-fetcher");

  private final Follower follower;
  private final ScheduledExecutorService scrubTimer;

  private FetcherRole(Follower follower, ScheduledExecutorService scrubTimer) {
    this.follower = follower;
    this.scrubTimer = scrubTimer;
  }

  /** Starts following; the first sync runs at once. */
  static FetcherRole start(DaemonConfig c, TrustPolicy trust, Announcer announcer, FollowListener metrics) {
    List<URI> upstreams = c.uris(DaemonKeys.FETCHER_UPSTREAM);
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("the fetcher needs at least one upstream: set fetcher.upstream or pass --upstream URI");
    }
    if (trust == null) {
      throw new IllegalArgumentException("the fetcher needs the origin's key: set fetcher.trust or pass --trust KEY.pub");
    }
    Path tree = c.tree();
    SyncOptions.Builder b = SyncOptions.builder(tree, trust).state(c.stateSetting()).upstreams(upstreams).flip(c.bool(DaemonKeys.FETCHER_FLIP))
        .deleteUnknown(c.bool(DaemonKeys.FETCHER_DELETE))
        .safeLinks(c.bool(DaemonKeys.FETCHER_SAFE_LINKS))
        .verifyRate(c.scrubRate())
        .client(CLIENT);
    if (c.isSet(DaemonKeys.REPOSITORY)) {
      b.repository(c.get(DaemonKeys.REPOSITORY));
    }
    Follower f = Follower.builder(b.build()).client(CLIENT).interval(c.duration(DaemonKeys.FETCHER_INTERVAL))
        .announcer(announcer).listener(FollowListeners.both(new Log(tree, upstreams), metrics)).threadName("chasmd-fetcher").build().start();
    LOG.info("fetcher for {} following {} (repository '{}')", tree, upstreams, f.repository());
    return new FetcherRole(f, scrubs(f, c.scrubInterval(), c.scrubRate()));
  }

  /** Asks the follower for a scrub every {@code every} (the first one {@code every} after the start), or nothing if null. */
  private static ScheduledExecutorService scrubs(Follower f, Duration every, long rate) {
    if (every == null) {
      return null;
    }
    ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread th = new Thread(r, "chasmd-scrub-timer");
      th.setDaemon(true);
      return th;
    });
    t.scheduleWithFixedDelay(f::requestScrub, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("scrub every {} reading at most {}", every, rate == 0 ? "unpaced" : rate / 1_000_000.0 + " MB/s");
    return t;
  }

  /**
   * An announcer handing the snapshot to the oracle in this JVM, naming {@code own} (this node's
   * endpoints) and the holders the upstream pushed it with, so the push to this node's
   * subscribers tells them where else to fetch it.
   */
  static Announcer inProcess(OracleBackend oracle, List<String> own) {
    return new Announcer() {
      @Override
      public void announce(byte[] envelope) throws IOException, ChasmException {
        announce(envelope, List.of());
      }

      @Override
      public void announce(byte[] envelope, List<String> known) throws IOException, ChasmException {
        oracle.announce(DEFAULT_REPOSITORY, envelope, Announcer.withOwnFirst(own, known));
      }
    };
  }

  /**
   * {@code fetcher.advertise}, or else the endpoints a peer role in this process is bound to,
   * except wildcard addresses (0.0.0.0, ::) that no other host could dial.
   */
  static List<String> advertised(DaemonConfig c, List<URI> peerUris) {
    if (c.isSet(DaemonKeys.FETCHER_ADVERTISE)) {
      return c.list(DaemonKeys.FETCHER_ADVERTISE);
    }
    return peerUris.stream().filter(u -> u.getHost() == null || !u.getHost().matches("0\\.0\\.0\\.0|\\[?::\\]?"))
        .map(URI::toString).toList();
  }

  /** An announcer talking to an oracle in another process over its Unix socket. */
  static Announcer overSocket(URI oracle, List<String> holders) {
    return Announcer.to(oracle, holders, CLIENT);
  }

  @Override
  public void close() {
    if (scrubTimer != null) {
      scrubTimer.shutdownNow();
    }
    follower.close();
  }

  /** The fetcher's log lines, as operators (and FetcherRetryTest) know them. */
  private record Log(Path tree, List<URI> upstreams) implements FollowListener {
    @Override
    public void subscribed(URI upstream, String repository) {
      LOG.info("subscribed to '{}' at {}", repository, upstream);
    }

    @Override
    public void subscribeFailed(URI upstream, Exception cause, Duration retryIn) {
      LOG.warn("cannot subscribe at {}: {}; retrying in {} ms", upstream, cause.getMessage(), retryIn.toMillis());
    }

    @Override
    public void subscriptionEnded(URI upstream, Throwable cause) {
      LOG.warn("subscription at {} ended{}; reconnecting", upstream, cause == null ? "" : ": " + cause.getMessage());
    }

    @Override
    public void pushed(URI upstream, long sequence, boolean newest) {
      if (newest) {
        LOG.info("{} pushed #{}", upstream, sequence);
      }
    }

    @Override
    public void pushUndecodable(URI upstream, Exception cause) {
      LOG.warn("{} pushed a head that does not decode: {}", upstream, cause.getMessage());
    }

    @Override
    public void syncStarted(String why) {
      LOG.debug("sync ({}) from {}", why, upstreams);
    }

    @Override
    public void synced(SyncResult r, String why) {
      if (r.upToDate()) {
        if (why.equals("scrub")) {
          LOG.info("scrub of #{}: every file as published, nothing to repair ({} s)", r.sequence(), Math.round(r.seconds()));
        }
        LOG.debug("up to date at #{}", r.sequence());
        return;
      }
      LOG.info(String.format(Locale.ROOT,
          "synced #%d (%s): %d added, %d changed, %d deleted; %d chunks fetched, %d reused; %,d bytes received; %.2f s",
          r.sequence(), why, r.filesAdded(), r.filesChanged(), r.filesDeleted(), r.chunksFetched(), r.chunksReused(),
          r.bytesReceived(), r.seconds()));
      r.repaired().forEach(p -> LOG.warn("repaired {} ({}): it no longer held what snapshot #{} has", p, why, r.sequence()));
      r.banned().forEach(b -> LOG.warn("banned for this sync: {}", b));
    }

    @Override
    public void syncFailed(String why, Exception e, Duration retryIn) {
      LOG.error("sync of {} failed ({}): {}: {}; retrying in {} ms", tree, why, e.getClass().getSimpleName(), e.getMessage(),
          retryIn.toMillis());
    }

    @Override
    public void announceFailed(Exception cause) {
      LOG.warn("synced, but could not tell the oracle (it will find the snapshot at its next poll): {}", cause.getMessage());
    }

    @Override
    public void closed() {
      LOG.info("fetcher stopped");
    }
  }
}
