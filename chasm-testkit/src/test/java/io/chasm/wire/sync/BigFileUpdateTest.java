package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A big file changed in its middle (overwritten, then with bytes inserted) reaches a mirror over
 * loopback byte for byte, its unchanged chunks taken from the old version on the mirror (copied,
 * not fetched), and the served tree verifies; a mirror file damaged behind the sync's back is
 * not copied unhashed: the damage scan sees it and it is written again from verified chunks.
 */
class BigFileUpdateTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");

  @TempDir Path tmp;
  final Ed25519Signer key = Ed25519.generate();

  @Test
  void changedInTheMiddle_thenInserted_mirrorEqualsOrigin() throws Exception {
    Path o = tmp.resolve("origin");
    byte[] big = Trees.random(11, 4 << 20);
    Files.createDirectories(o);
    Files.write(o.resolve("big.bin"), big);
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    TrustPolicy trust = TrustPolicy.single(key.publicKey());
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      SyncOptions opts = SyncOptions.builder(dest, trust).upstream(server.uris().get(0)).build();
      new SyncEngine(opts).sync();
      Thread.sleep(300); // older than the next scan by more than the clock slack: the copy is vouched

      System.arraycopy(Trees.random(12, 200_000), 0, big, 2_000_000, 200_000);
      Files.write(o.resolve("big.bin"), big);
      SyncResult r = update(o, server, opts);
      assertThat(Files.readAllBytes(dest.resolve("big.bin"))).isEqualTo(big);
      assertThat(r.chunksFetched()).isBetween(1L, 8L);
      assertThat(r.chunksReused()).isGreaterThan(40);
      Thread.sleep(300);

      byte[] inserted = new byte[big.length + 5000];
      System.arraycopy(big, 0, inserted, 0, 1_000_000);
      System.arraycopy(Trees.random(13, 5000), 0, inserted, 1_000_000, 5000);
      System.arraycopy(big, 1_000_000, inserted, 1_005_000, big.length - 1_000_000);
      Files.write(o.resolve("big.bin"), inserted);
      r = update(o, server, opts);
      assertThat(Files.readAllBytes(dest.resolve("big.bin"))).isEqualTo(inserted);
      assertThat(r.chunksFetched()).isBetween(1L, 6L);
      Thread.sleep(300);

      // Damaged on the mirror, then a new version at the origin: the damaged bytes are not copied.
      byte[] mirror = Files.readAllBytes(dest.resolve("big.bin"));
      mirror[3_000_000] ^= 1;
      Files.write(dest.resolve("big.bin"), mirror);
      inserted[100] ^= 1;
      Files.write(o.resolve("big.bin"), inserted);
      SignedSnapshot last = Origins.publish(o, "demo", key);
      server.poll();
      r = new SyncEngine(opts).sync();
      assertThat(Files.readAllBytes(dest.resolve("big.bin"))).isEqualTo(inserted);
      TreeVerifier.verify(MirrorState.liveRoot(dest), last, trust);
    }
  }

  private SyncResult update(Path o, TreeServer server, SyncOptions opts) throws Exception {
    Origins.publish(o, "demo", key);
    server.poll();
    return new SyncEngine(opts).sync();
  }
}
