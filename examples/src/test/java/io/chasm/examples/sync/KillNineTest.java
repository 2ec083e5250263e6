package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.testkit.Trees;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.PublishedTree;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the real {@code chasm sync} process at 20 random moments while it syncs between two
 * versions of a tree from a deliberately slow upstream: afterwards every file of the mirror is one
 * of the two versions (never torn, never a third content), and a final run completes and the tree
 * verifies against the signed snapshot.
 */
class KillNineTest {
  static final int KILLS = 20;
  @TempDir Path work;

  @Test
  void killNine_atRandomPoints_treeAlwaysOldOrNew_rerunCompletes() throws Exception {
    Path key = work.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    Path origin = work.resolve("origin");
    Random rnd = new Random(20261126);
    Map<String, Set<String>> allowed = new HashMap<>();
    byte[][][] versions = new byte[2][120][];
    for (int i = 0; i < 120; i++) {
      versions[0][i] = bytes(rnd, 8_000 + rnd.nextInt(200_000));
      versions[1][i] = i % 3 == 0 ? versions[0][i] : bytes(rnd, 8_000 + rnd.nextInt(200_000));
    }
    for (int i = 0; i < 120; i++) {
      String p = path(i);
      allowed.put(p, new java.util.HashSet<>(List.of("file:false:" + sha(versions[0][i]), "file:false:" + sha(versions[1][i]))));
    }
    writeVersion(origin, versions, 0);
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString(), "--origin", "demo")).isZero();
    Path dest = work.resolve("mirror");
    try (PublishedTree tree = PublishedTree.open(origin, Set.of());
        PeerServer server = PeerServer.builder(Relay.slow(tree, 6)).build()) {
      URI uri = server.listen(URI.create("tcp://127.0.0.1:0"));
      String[] sync = {"sync", uri.toString(), dest.toString(), "--trust", key + ".pub", "--repo", "demo"};
      assertThat(Cli.run(work, Duration.ofSeconds(60), sync).exit()).isZero();
      int completed = 0;
      for (int k = 0; k < KILLS; k++) {
        writeVersion(origin, versions, (k + 1) % 2);
        assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString())).isZero();
        tree.refresh();
        Process p = Cli.command(work, sync).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean finished = p.waitFor(200 + rnd.nextInt(2400), TimeUnit.MILLISECONDS);
        if (finished) {
          completed++;
        } else {
          p.destroyForcibly(); // SIGKILL
          p.waitFor();
        }
        Map<String, String> now = Trees.listing(dest);
        for (Map.Entry<String, String> e : now.entrySet()) {
          if (e.getValue().equals("dir")) {
            continue;
          }
          assertThat(allowed).as("unexpected path after kill %d", k).containsKey(e.getKey());
          assertThat(allowed.get(e.getKey())).as("%s after kill %d", e.getKey(), k)
              .contains(e.getValue());
        }
        assertThat(now.keySet()).as("files after kill %d", k).containsAll(allowed.keySet());
      }
      assertThat(completed).as("runs that finished before their kill").isLessThan(KILLS);
      Cli.Result last = Cli.run(work, Duration.ofSeconds(60), sync);
      assertThat(last.exit()).as(last.err()).isZero();
    }
    assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
    assertThat(ChasmCli.run("verify", dest.toString(), "--trust", key + ".pub")).isZero();
  }

  static String path(int i) {
    return (i % 10 == 0 ? "dists/stable/Packages-" : "pool/" + (i % 7) + "/pkg-") + i;
  }

  static void writeVersion(Path origin, byte[][][] versions, int v) throws Exception {
    for (int i = 0; i < versions[v].length; i++) {
      Path f = origin.resolve(path(i));
      Files.createDirectories(f.getParent());
      Files.write(f, versions[v][i]);
    }
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static String sha(byte[] b) {
    return Hash.sha256(b).hex();
  }
}
