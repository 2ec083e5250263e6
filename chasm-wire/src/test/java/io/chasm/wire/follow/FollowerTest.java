package io.chasm.wire.follow;

import io.chasm.hashtree.index.StateLocation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chasm.api.retry.Backoff;
import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@link Follower} against real tree servers on loopback TCP and Unix sockets. */
class FollowerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private final Signer key = Ed25519.generate();
  private final TrustPolicy trust = TrustPolicy.single(key.publicKey());

  /** Every event, as a line, in order. */
  static final class Events implements FollowListener {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<SyncResult> synced = new CopyOnWriteArrayList<>();
    final List<Duration> syncRetries = new CopyOnWriteArrayList<>();
    final List<Duration> reconnects = new CopyOnWriteArrayList<>();

    @Override
    public void subscribed(URI upstream, String repository) {
      lines.add("subscribed " + repository);
    }

    @Override
    public void subscribeFailed(URI upstream, Exception cause, Duration retryIn) {
      reconnects.add(retryIn);
    }

    @Override
    public void pushed(URI upstream, long sequence, boolean newest) {
      lines.add("pushed #" + sequence + (newest ? " newest" : ""));
    }

    @Override
    public void synced(SyncResult result, String why) {
      synced.add(result);
      lines.add("synced #" + result.sequence() + " (" + why + ")" + (result.upToDate() ? " up to date" : ""));
    }

    @Override
    public void syncFailed(String why, Exception cause, Duration retryIn) {
      syncRetries.add(retryIn);
      lines.add("failed (" + why + ")");
    }

    @Override
    public void closed() {
      lines.add("closed");
    }
  }

  private SignedSnapshot publish(Path origin, String content) throws Exception {
    Files.createDirectories(origin.resolve("pool"));
    Files.writeString(origin.resolve("pool/a.deb"), content);
    try (TreeIndex index = TreeIndex.open(origin)) {
      index.update();
      return index.publish("debian", Duration.ofDays(1), key);
    }
  }

  private static long localHead(Path mirror) throws Exception {
    Optional<SignedSnapshot> s = SnapshotHistory.open(StateLocation.of(mirror).resolve("snapshots")).latest();
    return s.isEmpty() ? 0 : s.get().snapshot().sequence();
  }

  @Test
  void follower_syncsAtStartAndOnEveryPush_andAnnouncesEachNewHead() throws Exception {
    Path origin = tmp.resolve("origin");
    Path mirror = tmp.resolve("mirror");
    publish(origin, "one");
    List<Long> announced = new CopyOnWriteArrayList<>();
    Events events = new Events();
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")), b -> b, Duration.ofHours(1))) {
      SyncOptions sync = SyncOptions.builder(mirror, trust).upstreams(server.uris()).build();
      try (Follower f = Follower.builder(sync).interval(Duration.ofHours(1)).listener(events)
          .announcer(env -> announced.add(SignedSnapshot.decode(env).snapshot().sequence())).build().start()) {
        assertThat(f.repository()).isEqualTo(SyncOptions.DEFAULT_REPOSITORY);
        assertThat(f.upstreams()).isEqualTo(server.uris());
        await().atMost(WAIT).until(() -> announced.contains(1L) && events.lines.contains("subscribed default"));
        assertThat(events.lines).contains("synced #1 (start)");
        TreeVerifier.verify(mirror, SnapshotHistory.open(StateLocation.of(mirror).resolve("snapshots")).latest().orElseThrow(), trust);

        publish(origin, "two");
        assertThat(server.poll()).isTrue(); // pushes #2 to the follower's subscription
        await().atMost(WAIT).until(() -> announced.contains(2L));
        assertThat(events.lines).contains("pushed #2 newest").anyMatch(l -> l.startsWith("synced #2 (push #2 from "));
        assertThat(Files.readString(mirror.resolve("pool/a.deb"))).isEqualTo("two");
        assertThat(events.syncRetries).isEmpty();
      }
    }
    assertThat(events.lines).endsWith("closed");
    assertThat(announced).containsExactly(1L, 2L);
  }

  @Test
  void follower_upstreamDownAtStart_retriesWithBackoffAndCatchesUp() throws Exception {
    Path origin = tmp.resolve("origin");
    Path mirror = tmp.resolve("mirror");
    publish(origin, "one");
    URI upstream = URI.create("unix://" + tmp.resolve("origin.sock"));
    Events events = new Events();
    SyncOptions sync = SyncOptions.builder(mirror, trust).upstream(upstream).build();
    try (Follower f = Follower.builder(sync).interval(Duration.ofHours(1)).listener(events).build().start()) {
      // The default policy: 500 ms after the first failure, then doubling.
      await().atMost(WAIT).until(() -> events.syncRetries.size() >= 2 && events.reconnects.size() >= 2);
      assertThat(events.syncRetries.subList(0, 2)).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
      assertThat(events.reconnects.subList(0, 2)).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
      assertThat(events.lines).startsWith("failed (start)").contains("failed (retry)");
      assertThat(localHead(mirror)).isZero();

      try (TreeServer server = TreeServer.start(origin, List.of(upstream))) {
        await().atMost(WAIT).until(() -> localHead(mirror) == 1 && events.lines.contains("subscribed default"));
        await().atMost(WAIT).until(() -> events.synced.stream().anyMatch(r -> r.sequence() == 1));
      }
    }
  }

  @Test
  void follower_backoffAndTimerAreInjectable() throws Exception {
    Path mirror = tmp.resolve("mirror");
    Events events = new Events();
    SyncOptions sync = SyncOptions.builder(mirror, trust).upstream(URI.create("unix://" + tmp.resolve("nobody.sock"))).build();
    java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (Follower f = Follower.builder(sync).syncRetry(Backoff.fixed(Duration.ofMillis(10)))
        .reconnect(Backoff.fixed(Duration.ofMillis(20))).timer(timer).listener(events).build().start()) {
      await().atMost(WAIT).until(() -> events.syncRetries.size() >= 5 && events.reconnects.size() >= 3);
      assertThat(events.syncRetries).allMatch(d -> d.toMillis() == 10);
      assertThat(events.reconnects).allMatch(d -> d.toMillis() == 20);
      assertThatThrownBy(f::start).isInstanceOf(IllegalStateException.class);
    }
    assertThat(timer.isShutdown()).as("a timer it was given is the caller's to stop").isFalse();
    timer.shutdownNow();
  }
}
