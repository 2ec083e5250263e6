package io.chasm.examples.chasmd;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot recorded by another process without an Announce (here: the index's own publish, as a
 * script or an older {@code chasm publish} would) is loaded by the oracle through file-system
 * notification: with polling off, nothing else could find it.
 */
class OracleSnapshotWatchTest {
  @TempDir Path dir;

  @Test
  void snapshotRecordedWithoutAnnounce_loadedByNotification_withPollingOff() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = dir.resolve("state");
    Files.writeString(tree.resolve("a.txt"), "one");
    Ed25519Signer key = Ed25519.generate();
    publish(tree, state, key);
    DaemonConfig c = DaemonConfig.load(null, Map.of("tree", tree.toString(), "state", state.toString(),
        "oracle.socket", dir.resolve("o.sock").toString(), "oracle.poll", "off"));
    try (OracleRole oracle = OracleRole.start(c, TrustPolicy.single(key.publicKey()))) {
      assertThat(oracle.backend().sequence()).isEqualTo(1);
      Files.writeString(tree.resolve("b.txt"), "two");
      publish(tree, state, key);
      // No time is asserted: only that it arrives, however slow the machine.
      for (int i = 0; i < 600 && oracle.backend().sequence() < 2; i++) {
        Thread.sleep(100);
      }
      assertThat(oracle.backend().sequence()).isEqualTo(2);
    }
  }

  private static void publish(Path tree, Path state, Ed25519Signer key) throws Exception {
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      index.update();
      index.publish("origin", Duration.ofDays(1), key);
    }
  }
}
