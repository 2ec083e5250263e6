package io.chasm.examples.chasmd;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexProgress;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oracle.watch-tree = true}: while the oracle runs, index runs stat only journalled paths; after it stops, everything. */
class OracleIndexWatchTest {
  @TempDir Path dir;

  @Test
  void watchTree_journalWhileTheOracleRuns_fullWalkAfter() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = dir.resolve("state");
    for (int i = 0; i < 30; i++) {
      Path f = Files.writeString(tree.resolve("f" + i), "file " + i);
      // Old enough to be trusted by stat: a file written in the last 2 s is re-read on every run.
      Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    }
    Ed25519Signer key = Ed25519.generate();
    DaemonConfig c = DaemonConfig.load(null, Map.of("tree", tree.toString(), "state", state.toString(),
        "oracle.socket", dir.resolve("o.sock").toString(), "oracle.watch-tree", "true"));
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      try (OracleRole oracle = OracleRole.start(c, TrustPolicy.single(key.publicKey()))) {
        index.updateFromJournal(new IndexProgress());
        assertThat(index.lastWalk()).startsWith("full: ");
        Files.writeString(tree.resolve("f3"), "changed");
        IndexProgress p = new IndexProgress();
        index.updateFromJournal(p);
        assertThat(index.lastWalk()).startsWith("journal: ");
        assertThat(p.entriesSeen()).isLessThan(30);
      }
      Files.writeString(tree.resolve("f4"), "changed after the oracle stopped");
      IndexProgress p = new IndexProgress();
      index.updateFromJournal(p);
      assertThat(index.lastWalk()).isEqualTo("full: no index watcher running");
      assertThat(p.entriesSeen()).isEqualTo(30);
    }
  }

  @Test
  void watchTree_offByDefault() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = dir.resolve("state");
    Files.writeString(tree.resolve("a"), "a");
    DaemonConfig c = DaemonConfig.load(null, Map.of("tree", tree.toString(), "state", state.toString(),
        "oracle.socket", dir.resolve("o.sock").toString()));
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT);
        OracleRole oracle = OracleRole.start(c, TrustPolicy.single(Ed25519.generate().publicKey()))) {
      index.updateFromJournal(new IndexProgress());
      index.updateFromJournal(new IndexProgress());
      assertThat(index.lastWalk()).isEqualTo("full: no index watcher running");
    }
  }
}
