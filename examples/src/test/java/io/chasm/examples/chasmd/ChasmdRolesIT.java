package io.chasm.examples.chasmd;

import io.chasm.hashtree.index.StateLocation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.demo.DistroTree;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.wire.peer.PeerClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
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
 * chasmd end to end, from the packaged jar: an origin (oracle + peer) and a mirror (oracle, peer
 * and fetcher, each its own process, over Unix sockets) on tcp loopback. A publish at the origin
 * reaches the mirror, whose tree then verifies against the new snapshot; SIGTERM stops every
 * process with exit 0 and removes its socket and run files.
 */
class ChasmdRolesIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final List<String> JVM = List.of("-Xmx192m", "-XX:+UseSerialGC");
  @TempDir Path dir;
  private final List<DaemonProcess> started = new ArrayList<>();

  static String jar() {
    String jar = System.getProperty("chasm.jar");
    assertThat(jar).as("system property chasm.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(jar)).exists();
    return jar;
  }

  private DaemonProcess start(String name, String... args) throws Exception {
    DaemonProcess d = DaemonProcess.start(name, dir.resolve("logs"), READY, JVM, jar(), List.of(args));
    started.add(d);
    return d;
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(DaemonProcess::kill);
  }

  static int chasm(String... args) {
    PrintStream old = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return ChasmCli.run(args);
    } finally {
      System.setOut(old);
    }
  }

  private static long servedSequence(String uri) throws Exception {
    try (PeerClient c = PeerClient.connect(URI.create(uri))) {
      Optional<byte[]> head = PeerClient.await(c.head("default"));
      return head.isEmpty() ? 0 : SignedSnapshot.decode(head.get()).snapshot().sequence();
    }
  }

  @Test
  void separateRoles_followThePublishedSnapshotAndStopCleanly() throws Exception {
    DistroTree origin = new DistroTree(dir.resolve("origin"), 3);
    origin.create(8, 2);
    Path key = dir.resolve("origin.key");
    assertThat(chasm("keygen", "--out", key.toString())).isZero();
    assertThat(chasm("publish", origin.root().toString(), "--key", key.toString(), "--origin", "debian")).isZero();

    DaemonProcess originOracle = start("origin-oracle", "oracle", "--tree", origin.root().toString());
    DaemonProcess originPeer = start("origin-peer", "peer", "--tree", origin.root().toString(), "--listen", "tcp://127.0.0.1:0");

    Path mirror = dir.resolve("mirror");
    Files.createDirectories(mirror);
    Path socket = dir.resolve("run/mirror-oracle.sock");
    // The mirror's oracle reads a config file; the others take flags: both paths are exercised.
    Path conf = dir.resolve("mirror.conf");
    Files.writeString(conf, "tree = " + mirror + "\noracle.socket = " + socket + "\noracle.poll = 1s\nfetcher.trust = " + key + ".pub\n");
    DaemonProcess mirrorOracle = start("mirror-oracle", "oracle", "--config", conf.toString());
    DaemonProcess mirrorPeer = start("mirror-peer", "peer", "--tree", mirror.toString(), "--socket", socket.toString(),
        "--listen", "tcp://127.0.0.1:0");
    DaemonProcess fetcher = start("mirror-fetcher", "fetcher", "--tree", mirror.toString(), "--socket", socket.toString(),
        "--upstream", originPeer.peerUri(), "--trust", key + ".pub");
    assertThat(Files.exists(socket)).isTrue();
    assertThat(Files.exists(StateLocation.of(origin.root()).resolve("oracle.sock"))).isTrue();

    await().atMost(Duration.ofSeconds(60)).until(() -> servedSequence(mirrorPeer.peerUri()) == 1);

    origin.update(2);
    assertThat(chasm("publish", origin.root().toString(), "--key", key.toString())).isZero();
    TrustPolicy trust = TrustPolicy.single(KeyFiles.readPublicKey(Path.of(key + ".pub")));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      SignedSnapshot head = SnapshotHistory.open(StateLocation.of(mirror).resolve("snapshots")).latest().orElseThrow();
      assertThat(head.snapshot().sequence()).isEqualTo(2);
      TreeVerifier.verify(mirror, head, trust);
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> servedSequence(mirrorPeer.peerUri()) == 2);
    // The oracle may find the snapshot at its poll before the fetcher has logged the sync.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fetcher.logText()).contains("synced #2"));

    for (DaemonProcess d : List.of(fetcher, mirrorPeer, mirrorOracle, originPeer, originOracle)) {
      assertThat(d.stop(Duration.ofSeconds(30))).as(d.name() + " exit code; log: " + d.logTail(5)).isZero();
      assertThat(d.runFile()).as(d.name() + " run file").doesNotExist();
      assertThat(d.logText()).as(d.name()).contains("stopped").doesNotContain("Exception in thread");
    }
    assertThat(socket).doesNotExist();
    assertThat(StateLocation.of(origin.root()).resolve("oracle.sock")).doesNotExist();
  }

  @Test
  void missingTreeDirectory_isCreated_asChasmSyncDoes() throws Exception {
    Path tree = dir.resolve("srv/mirror");
    DaemonProcess oracle = start("new-oracle", "oracle", "--tree", tree.toString());
    assertThat(tree).isDirectory();
    assertThat(StateLocation.of(tree).resolve("oracle.sock")).exists();
    assertThat(tree.resolve(".chasm")).doesNotExist();
    assertThat(oracle.stop(Duration.ofSeconds(30))).as(oracle.logTail(5)).isZero();
    assertThat(oracle.logText()).doesNotContain("is not a directory");
  }

  @Test
  void badConfiguration_exitsTwoWithOneLine() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "tree = " + dir + "\nfetcher.intervall = 5m\n");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar(),
        Chasmd.class.getName(), "oracle", "--config", conf.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(out.strip()).startsWith("chasmd: ").contains("unknown setting 'fetcher.intervall'").doesNotContain("\n");
  }
}
