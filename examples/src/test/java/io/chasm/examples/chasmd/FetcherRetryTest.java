package io.chasm.examples.chasmd;

import io.chasm.hashtree.index.StateLocation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.demo.DistroTree;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code chasmd fetcher} process started while its upstream is down keeps retrying with growing
 * delays; once the upstream (a {@code chasmd --all} origin process on a Unix socket that did not
 * exist before) comes up, the fetcher catches up and its tree verifies against the origin's
 * snapshot. Synchronised on what the processes log and write, never on time.
 */
class FetcherRetryTest {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final List<String> JVM = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  @TempDir Path dir;
  private final List<DaemonProcess> started = new ArrayList<>();

  private DaemonProcess start(String name, String... args) throws Exception {
    DaemonProcess d = DaemonProcess.start(name, dir.resolve("logs"), READY, JVM, args);
    started.add(d);
    return d;
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(DaemonProcess::kill);
  }

  @Test
  void fetcher_upstreamDownAtStart_retriesWithBackoffAndCatchesUp() throws Exception {
    DistroTree origin = new DistroTree(dir.resolve("origin"), 5);
    origin.create(6, 1);
    Path key = dir.resolve("origin.key");
    assertThat(ChasmdRolesIT.chasm("keygen", "--out", key.toString())).isZero();
    assertThat(ChasmdRolesIT.chasm("publish", origin.root().toString(), "--key", key.toString(), "--origin", "debian",
        "--no-notify")).isZero();
    Path run = Files.createDirectories(dir.resolve("run"));
    String upstream = "unix://" + run.resolve("origin.sock");
    Path mirror = Files.createDirectories(dir.resolve("mirror"));

    // No oracle for the mirror: its announcements fail with a warning, which is not under test.
    DaemonProcess fetcher = start("mirror-fetcher", "fetcher", "--tree", mirror.toString(),
        "--socket", run.resolve("mirror-oracle.sock").toString(), "--upstream", upstream, "--trust", key + ".pub",
        "--set", "fetcher.interval=1h");
    // Two failed syncs, the second after a doubled delay: the retry loop is running with backoff.
    await().atMost(READY).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(fetcher.logText().lines().filter(l -> l.contains("sync of ")))
            .anyMatch(l -> l.contains("failed (start)") && l.contains("retrying in 500 ms"))
            .anyMatch(l -> l.contains("failed (retry)") && l.contains("retrying in 1000 ms")));
    assertThat(SnapshotHistory.open(StateLocation.of(mirror).resolve("snapshots")).latest()).isEmpty();

    start("origin", "--all", "--tree", origin.root().toString(), "--listen", upstream);

    TrustPolicy trust = TrustPolicy.single(KeyFiles.readPublicKey(Path.of(key + ".pub")));
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Optional<SignedSnapshot> head = SnapshotHistory.open(StateLocation.of(mirror).resolve("snapshots")).latest();
      assertThat(head).isPresent();
      assertThat(head.get().snapshot().sequence()).isEqualTo(1);
      TreeVerifier.verify(mirror, head.get(), trust);
      // Logged once the sync returns, a moment after the snapshot is recorded.
      assertThat(fetcher.logText()).contains("synced #1");
    });
    assertThat(fetcher.stop(Duration.ofSeconds(30))).as(fetcher.logTail(5)).isZero();
  }
}
