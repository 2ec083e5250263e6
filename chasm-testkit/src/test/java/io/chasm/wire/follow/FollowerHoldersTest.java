package io.chasm.wire.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.OracleBackend;
import io.chasm.wire.serve.PublishedTree;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push through tiers, one hop: the origin's oracle is told of a new snapshot with a holder (a
 * mirror that already has it); the push carries the holder, and the follower's sync fetches
 * chunks from it as well as from the origin, verified as from any upstream.
 */
class FollowerHoldersTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");
  @TempDir Path tmp;

  @Test
  void pushedHolders_areExtraSourcesOfTheSync_andPassedOnWhenAnnouncing() throws Exception {
    Path origin = Files.createDirectories(tmp.resolve("origin"));
    for (int i = 0; i < 40; i++) {
      Files.write(origin.resolve("f" + i), Trees.random(i, 20_000));
    }
    Origin key = Origin.create(Files.createDirectories(tmp.resolve("keys")));
    key.publish(origin, "demo");
    OracleBackend oracle = new OracleBackend(origin, Set.of("default"), true, key.trust());
    oracle.refresh();
    PeerServer originServer = PeerServer.builder(oracle).anyoneMayAnnounce(true).build();
    oracle.onNewHead(names -> names.forEach(originServer::publish));
    URI originUri = originServer.listen(ANY_PORT);

    Path dest = tmp.resolve("leaf");
    List<List<String>> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
    Announcer record = new Announcer() {
      @Override
      public void announce(byte[] envelope) {
        announced.add(List.of());
      }

      @Override
      public void announce(byte[] envelope, List<String> holders) {
        announced.add(holders);
      }
    };
    SyncOptions opts = SyncOptions.builder(dest, key.trust()).upstream(originUri).repository("default")
        .pipelining(4, 2).build();
    try (originServer; oracle;
        Follower f = Follower.builder(opts).interval(Duration.ofHours(1)).announcer(record).build().start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> sequence(dest) == 1);

      for (int i = 0; i < 40; i++) {
        Files.write(origin.resolve("g" + i), Trees.random(100 + i, 20_000));
      }
      SignedSnapshot two = key.publish(origin, "demo");
      // A first-tier mirror gets #2 before the leaf hears of it, and counts the chunks it serves.
      // (From a second server of the origin: the oracle must not load #2 before the announce.)
      Path mirror = tmp.resolve("mirror");
      try (TreeServer side = TreeServer.start(origin, List.of(ANY_PORT))) {
        new SyncEngine(SyncOptions.builder(mirror, key.trust()).upstream(side.uris().get(0)).repository("default").build()).sync();
      }
      assertThat(sequence(dest)).as("the leaf was not told of #2 yet").isEqualTo(1);
      AtomicInteger served = new AtomicInteger();
      try (PublishedTree held = PublishedTree.open(mirror, null, Set.of("default"));
          PeerServer holder = PeerServer.builder(counting(held, served)).build()) {
        URI holderUri = holder.listen(ANY_PORT);
        oracle.announce("default", two.encode(), List.of(holderUri.toString(), "not a uri", "http://x/"));

        await().atMost(Duration.ofSeconds(60)).until(() -> sequence(dest) == 2);
        assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
        assertThat(served.get()).as("chunks served by the pushed holder").isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> announced.contains(List.of(holderUri.toString())));
      }
    }
  }

  static long sequence(Path dest) throws Exception {
    Path snapshots = StateLocation.of(dest).resolve("snapshots");
    return Files.isDirectory(snapshots) ? SnapshotHistory.open(snapshots).latestSequence() : 0;
  }

  /** The backend, counting chunk reads. */
  static RepositoryBackend counting(RepositoryBackend b, AtomicInteger chunks) {
    return new RepositoryBackend() {
      @Override
      public Optional<byte[]> head(String repository) throws IOException, ChasmException {
        return b.head(repository);
      }

      @Override
      public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
        return b.object(repository, id);
      }

      @Override
      public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
        chunks.incrementAndGet();
        return b.chunk(repository, id);
      }
    };
  }
}
