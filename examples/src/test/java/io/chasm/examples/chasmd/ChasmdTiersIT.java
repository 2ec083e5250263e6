package io.chasm.examples.chasmd;

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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push through tiers with real processes: an origin chasmd, one tier-1 mirror, two tier-2
 * mirrors and eight leaves (tier 3), each a chasmd {@code --all} on tcp loopback. Nothing polls:
 * every oracle has {@code oracle.poll=off} and every fetcher a one-hour interval, so after ONE
 * publish each mirror can only learn of the new snapshot by a push, relayed by the tier above
 * once it has verified and published it. Each mirror's tree then verifies against it.
 */
class ChasmdTiersIT {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final List<String> JVM = List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  @TempDir Path dir;
  private final List<DaemonProcess> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(DaemonProcess::kill);
  }

  private DaemonProcess node(String name, String upstream, Path key) throws Exception {
    List<String> args = new ArrayList<>(List.of("--all", "--tree", tree(name).toString(), "--state", state(name).toString(),
        "--listen", "tcp://127.0.0.1:0", "--set", "oracle.poll=off", "--set", "fetcher.interval=1h"));
    if (upstream != null) {
      args.addAll(List.of("--upstream", upstream, "--trust", key + ".pub"));
    }
    DaemonProcess d = DaemonProcess.start(name, dir.resolve("logs"), READY, JVM, ChasmdRolesIT.jar(), args);
    started.add(d);
    return d;
  }

  private Path tree(String name) {
    return dir.resolve("trees").resolve(name);
  }

  private Path state(String name) {
    return dir.resolve("state").resolve(name);
  }

  private long sequence(String name) throws Exception {
    Path s = state(name).resolve("snapshots");
    return Files.isDirectory(s) ? SnapshotHistory.open(s).latestSequence() : 0;
  }

  @Test
  void onePublish_reachesEveryMirrorOfThreeTiers_byPushAlone() throws Exception {
    DistroTree origin = new DistroTree(tree("origin"), 5);
    origin.create(6, 1);
    Path key = dir.resolve("origin.key");
    assertThat(ChasmdRolesIT.chasm("keygen", "--out", key.toString())).isZero();
    String[] publish = {"publish", origin.root().toString(), "--state", state("origin").toString(), "--key", key.toString(),
        "--origin", "debian"};
    assertThat(ChasmdRolesIT.chasm(publish)).isZero();

    DaemonProcess o = node("origin", null, key);
    DaemonProcess t1 = node("tier1", o.peerUri(), key);
    Map<String, DaemonProcess> mirrors = new LinkedHashMap<>();
    mirrors.put("tier1", t1);
    for (int i = 0; i < 2; i++) {
      mirrors.put("tier2-" + i, node("tier2-" + i, t1.peerUri(), key));
    }
    for (int i = 0; i < 8; i++) {
      String up = mirrors.get("tier2-" + (i % 2)).peerUri();
      mirrors.put("leaf-" + i, node("leaf-" + i, up, key));
    }
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (String m : mirrors.keySet()) {
        assertThat(sequence(m)).as(m).isEqualTo(1);
      }
    });

    origin.update(1);
    assertThat(ChasmdRolesIT.chasm(publish)).isZero();
    TrustPolicy trust = TrustPolicy.single(KeyFiles.readPublicKey(Path.of(key + ".pub")));
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (String m : mirrors.keySet()) {
        assertThat(sequence(m)).as(m).isEqualTo(2);
      }
    });
    for (Map.Entry<String, DaemonProcess> m : mirrors.entrySet()) {
      SignedSnapshot head = SnapshotHistory.open(state(m.getKey()).resolve("snapshots")).latest().orElseThrow();
      assertThat(new TreeVerifier(trust, Clock.systemUTC()).differences(tree(m.getKey()), state(m.getKey()), head))
          .as(m.getKey()).isEmpty();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(m.getValue().logText()).contains("pushed #2"));
    }
    for (DaemonProcess d : started) {
      assertThat(d.stop(Duration.ofSeconds(30))).as(d.name() + " exit code; log: " + d.logTail(5)).isZero();
    }
  }
}
