package io.chasm.examples.sync;

import io.chasm.hashtree.index.StateLocation;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror's file system fills up while staging: a small tmpfs mounted by the test (needs root,
 * as CI runs). The real {@code chasm sync} must fail with a clear error (exit 2) and leave the
 * served tree exactly as it was.
 */
class FullDiskTest {
  @TempDir Path work;
  Path mount;

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fullDisk_whileStaging_clearErrorAndTreeIntact() throws Exception {
    Path fs = Files.createDirectories(work.resolve("small-fs"));
    int rc = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", fs.toString())
        .redirectErrorStream(true).start().waitFor();
    Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs here (needs root)");
    mount = fs;

    Path key = work.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    Path origin = work.resolve("origin");
    Trees.write(origin.resolve("dists/stable/Release"), "Release 1\n");
    Trees.write(origin.resolve("pool/a.deb"), "a\n".repeat(20_000));
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString(), "--origin", "demo")).isZero();
    Path dest = fs.resolve("mirror");
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      // The state on the small file system too (as DEST/.chasm was), so staging fills it.
      String[] sync = {"sync", server.uris().get(0).toString(), dest.toString(), "--trust", key + ".pub", "--state",
          fs.resolve("state").toString()};
      Cli.Result first = Cli.run(work, Duration.ofSeconds(60), sync);
      assertThat(first.exit()).as(first.err()).isZero();
      Map<String, String> before = Trees.listing(dest);

      byte[] iso = new byte[5 << 20];
      new Random(1).nextBytes(iso);
      Files.write(origin.resolve("pool/big.iso"), iso);
      Trees.write(origin.resolve("dists/stable/Release"), "Release 2, lists big.iso\n");
      assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString())).isZero();
      server.poll();

      Cli.Result full = Cli.run(work, Duration.ofSeconds(60), sync);
      assertThat(full.exit()).as(full.err()).isEqualTo(ExitCodes.ERROR);
      assertThat(full.err()).contains("No space left on device");
      assertThat(full.err().strip().lines()).hasSize(1);
      assertThat(Trees.listing(dest)).isEqualTo(before);
      assertThat(SnapshotHistory.open(fs.resolve("state/snapshots")).latestSequence()).isEqualTo(1);
    }
  }
}
