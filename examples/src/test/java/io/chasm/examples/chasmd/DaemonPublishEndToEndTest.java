package io.chasm.examples.chasmd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.cli.InProcessCli;
import io.chasm.testkit.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chasm publish} through a real origin {@code chasmd} (oracle and peer, with {@code
 * oracle.watch-tree} and {@code oracle.key}): the daemon publishes from its journal, a mirror
 * syncs the exact tree; a daemon killed with SIGKILL in the middle of a publish leaves a served
 * tree and a next publish (in-process, full walk) that are right.
 */
class DaemonPublishEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final List<String> JVM = List.of("-Xmx192m", "-XX:+UseSerialGC");
  @TempDir Path dir;
  private final List<DaemonProcess> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(DaemonProcess::kill);
  }

  private DaemonProcess origin(Path tree, Path state, Path key, boolean publishes) throws Exception {
    List<String> args = new ArrayList<>(List.of("oracle", "peer", "--tree", tree.toString(), "--state", state.toString(),
        "--listen", "tcp://127.0.0.1:0", "--set", "oracle.poll=off"));
    if (publishes) {
      args.addAll(List.of("--set", "oracle.watch-tree=true", "--set", "oracle.key=" + key));
    }
    DaemonProcess d = DaemonProcess.start("origin-" + started.size(), dir.resolve("logs"), READY, JVM, args.toArray(String[]::new));
    started.add(d);
    return d;
  }

  private static JsonNode publish(Path tree, Path state, Path key) throws Exception {
    InProcessCli.Run r = InProcessCli.run("publish", tree.toString(), "--key", key.toString(), "--state", state.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  /** A mirror syncs from {@code peer} and must then hold exactly the origin's tree. */
  private void mirrorSyncsExactly(String peer, Path tree, Path key, String name) throws Exception {
    Path mirror = dir.resolve(name);
    InProcessCli.Run r = InProcessCli.run("sync", peer, mirror.toString(), "--trust", key + ".pub", "--state",
        dir.resolve(name + "-state").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Trees.listing(mirror)).isEqualTo(Trees.listing(tree));
    InProcessCli.Run v = InProcessCli.run("verify", mirror.toString(), "--trust", key + ".pub", "--state",
        dir.resolve(name + "-state").toString());
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
  }

  private static void populate(Path tree) throws Exception {
    for (int d = 0; d < 4; d++) {
      for (int f = 0; f < 25; f++) {
        Trees.write(tree.resolve("d" + d + "/f" + f), "file " + d + "/" + f + "\n");
      }
    }
    try (var s = Files.walk(tree)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
      }
    }
  }

  @Test
  void publishThroughTheDaemon_thenAMirrorSyncsTheExactTree() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = dir.resolve("state");
    Path key = dir.resolve("origin.key");
    populate(tree);
    assertThat(InProcessCli.run("keygen", "--out", key.toString()).exit()).isZero();
    DaemonProcess daemon = origin(tree, state, key, true);
    JsonNode first = publish(tree, state, key);
    assertThat(first.get("path").asText()).isEqualTo("daemon");
    assertThat(first.get("daemon_seconds").asDouble()).isPositive();

    Files.writeString(tree.resolve("d1/f3"), "appended\n", StandardOpenOption.APPEND);
    Trees.write(tree.resolve("d2/new"), "new file\n");
    Files.delete(tree.resolve("d3/f4"));
    Files.move(tree.resolve("d0/f5"), tree.resolve("d0/renamed"));
    Trees.write(tree.resolve("fresh/sub/deep"), "deep\n");
    Files.createSymbolicLink(tree.resolve("d1/link"), Path.of("f1"));
    Files.setPosixFilePermissions(tree.resolve("d2/f2"), PosixFilePermissions.fromString("rwxr-xr-x"));
    JsonNode second = publish(tree, state, key);
    assertThat(second.get("path").asText()).isEqualTo("daemon");
    assertThat(second.get("index").get("walk").asText()).startsWith("journal: ");
    assertThat(second.get("sequence").asLong()).isEqualTo(first.get("sequence").asLong() + 1);
    mirrorSyncsExactly(daemon.peerUri(), tree, key, "mirror");

    // Another key than the daemon's: published in this process, as without a daemon.
    Path other = dir.resolve("other.key");
    assertThat(InProcessCli.run("keygen", "--out", other.toString()).exit()).isZero();
    InProcessCli.Run r = InProcessCli.run("publish", tree.toString(), "--key", other.toString(), "--state", state.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).get("path").asText()).isEqualTo("in-process");
    assertThat(r.err()).contains("signs with key");
  }

  @Test
  void daemonKilledDuringAPublish_servedTreeAndNextPublishAreRight() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = dir.resolve("state");
    Path key = dir.resolve("origin.key");
    populate(tree);
    assertThat(InProcessCli.run("keygen", "--out", key.toString()).exit()).isZero();
    DaemonProcess daemon = origin(tree, state, key, true);
    assertThat(publish(tree, state, key).get("path").asText()).isEqualTo("daemon");
    // Enough to hash that the kill lands while the daemon works (wherever it lands, the checks hold).
    Files.write(tree.resolve("d0/big"), Trees.random(7, 24 << 20));
    Files.writeString(tree.resolve("d1/f1"), "edited\n", StandardOpenOption.APPEND);
    CompletableFuture<InProcessCli.Run> during = CompletableFuture.supplyAsync(
        () -> InProcessCli.run("publish", tree.toString(), "--key", key.toString(), "--state", state.toString(), "--json"));
    Thread.sleep(20 + new Random().nextInt(200));
    daemon.kill();
    InProcessCli.Run r = during.get(120, TimeUnit.SECONDS);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    if (j.get("path").asText().equals("in-process")) {
      // the daemon died first: its watcher's lock died with it, so this run trusted no journal
      assertThat(j.get("index").get("walk").asText()).startsWith("full: ");
    }
    // The next publish: no daemon answers the socket left behind, so in-process, walking everything.
    Files.writeString(tree.resolve("d2/f2"), "after the kill\n", StandardOpenOption.APPEND);
    JsonNode next = publish(tree, state, key);
    assertThat(next.get("path").asText()).isEqualTo("in-process");
    assertThat(next.get("index").get("walk").asText()).isEqualTo("full: no index watcher running");
    DaemonProcess serving = origin(tree, state, key, false);
    mirrorSyncsExactly(serving.peerUri(), tree, key, "mirror");
  }
}
