package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.Hash;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.testkit.HostileCrowd;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, admission under load: 1,000 sockets held against a server with the default limits
 * (256 connections), from 125 loopback addresses at the per-address limit of 8, a quarter each
 * silent, one byte, a Hello and then silence, and slow readers of a large request; the crowd
 * reopens every socket the server closes. An honest downstream still syncs the whole tree.
 * Without admission (the server as it was) it was told "too many connections, retry later".
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AdmissionUnderLoadTest {
  @TempDir Path tmp;
  final Ed25519Signer key = Ed25519.generate();

  @Test
  void thousandHostileSockets_honestSyncCompletesIdentical() throws Exception {
    Path o = tmp.resolve("origin");
    Files.createDirectories(o);
    for (int i = 0; i < 20; i++) {
      Files.write(o.resolve("file" + i + ".bin"), Trees.random(i, 200_000 + i * 10_000));
    }
    Files.write(o.resolve("big.bin"), Trees.random(99, 4_000_000));
    Origins.publish(o, "demo", key);
    List<Hash> bigChunks = new Chunker().chunk(o.resolve("big.bin")).stream().map(Chunk::id).toList();
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(URI.create("tcp://127.0.0.1:0")))) {
      URI uri = server.uris().get(0);
      try (HostileCrowd crowd = HostileCrowd.open(uri, 1000, 8, "demo", bigChunks)) {
        // The server is full when the honest one comes.
        await().atMost(Duration.ofSeconds(60)).until(() -> server.server().connectionCount() >= 256);
        SyncResult r = new SyncEngine(SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(uri).build()).sync();
        assertThat(r.filesAdded()).isEqualTo(21);
        assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
        assertThat(crowd.closedByServer() + crowd.failedToOpen()).as("the crowd was felt").isGreaterThan(0);
        assertThat(server.server().evictedCount()).as("the server was full and evicted").isPositive();
      }
    }
  }
}
