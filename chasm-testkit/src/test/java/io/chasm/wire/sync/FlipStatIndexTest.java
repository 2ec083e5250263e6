package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flip-mode sync leaves the same stat index as an in-place one, of the tree {@code current}
 * names: re-indexing the served tree then reads no file, after the first sync and after an update
 * whose unchanged files were hard-linked from the previous tree (their ctime moved with the link).
 */
class FlipStatIndexTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");

  @TempDir Path tmp;
  final Ed25519Signer key = Ed25519.generate();

  @Test
  void flipSync_thenReindexOfCurrent_readsNoFile() throws Exception {
    Path o = tmp.resolve("origin");
    Trees.write(o.resolve("README"), "hello\n");
    Files.write(o.resolve("big.bin"), Trees.random(1, 700_000));
    Trees.write(o.resolve("pool/main/a/pkg_1.0.deb"), "package a ".repeat(5000));
    Trees.write(o.resolve("dists/stable/Release"), "Release file\n");
    Files.createDirectories(o.resolve("empty-dir"));
    Files.createSymbolicLink(o.resolve("latest"), Path.of("pool/main/a/pkg_1.0.deb"));
    Files.write(o.resolve("dup1"), Trees.random(7, 30_000));
    Files.write(o.resolve("dup2"), Trees.random(7, 30_000));
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("flip");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      SyncOptions opts = SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(server.uris().get(0))
          .flip(true).build();
      new SyncEngine(opts).sync();
      IndexResult first = reindex(dest);
      assertThat(first.files()).isEqualTo(6);
      assertThat(first.rehashedFiles()).isZero();
      assertThat(first.rehashedBytes()).isZero();

      // Most files of the second tree are hard links into the first.
      Trees.write(o.resolve("new-file"), "new\n");
      Trees.write(o.resolve("dists/stable/Release"), "Release file 2\n");
      Origins.publish(o, "demo", key);
      server.poll();
      SyncResult r = new SyncEngine(opts).sync();
      assertThat(r.filesAdded()).isEqualTo(1);
      assertThat(MirrorState.liveRoot(dest).toString()).endsWith("00000000000000000002");
      IndexResult second = reindex(dest);
      assertThat(second.files()).isEqualTo(7);
      assertThat(second.rehashedFiles()).isZero();
      assertThat(second.rehashedBytes()).isZero();

      // The index still notices a file changed in the served tree behind the sync's back.
      Files.writeString(MirrorState.liveRoot(dest).resolve("README"), "HELLO\n");
      IndexResult changed = reindex(dest);
      assertThat(changed.rehashedFiles()).isEqualTo(1);
      assertThat(changed.rootTree()).isNotEqualTo(second.rootTree());
    }
  }

  /** {@code chasm index --state STATE DEST/current}: the served tree with the mirror's state. */
  private static IndexResult reindex(Path dest) throws Exception {
    try (TreeIndex index = TreeIndex.open(MirrorState.liveRoot(dest), StateLocation.of(dest.toAbsolutePath().normalize()),
        ChunkingParams.DEFAULT)) {
      return index.update();
    }
  }
}
