package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An initial sync large enough to run manifests, staging and chunks as one pipeline (several
 * segments of the plan), over a real loopback server: the mirror is exact, a content shared by
 * paths in different segments is fetched once, and a later update and no-change sync still work.
 */
class PipelinedSyncTest {
  static final int FILES = 9_000; // > two segments of 4,096
  @TempDir Path tmp;
  final Ed25519Signer key = Ed25519.generate();

  @Test
  void largeInitialSync_isExact_andFetchesSharedContentOnce() throws Exception {
    Path o = tmp.resolve("origin");
    for (int i = 0; i < FILES; i++) {
      // every 1,000th file has the content of file 0: shared across segments
      String body = i % 1000 == 0 ? "shared content\n" : "file " + i + "\n";
      Path p = o.resolve("d" + (i % 37) + "/e" + (i / 1000) + "/f" + i);
      Trees.write(p, body);
      if (i % 11 == 0) {
        p.toFile().setExecutable(true, false);
      }
    }
    Files.write(o.resolve("d0/empty"), new byte[0]);
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(URI.create("tcp://127.0.0.1:0")))) {
      URI uri = server.uris().get(0);
      SyncResult r = new SyncEngine(SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(uri).build()).sync();
      assertThat(r.filesAdded()).isEqualTo(FILES + 1);
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      // one chunk per distinct non-empty content: 9,000 files, 9 of them sharing one content
      assertThat(r.chunksFetched()).isEqualTo(FILES - 8);

      Trees.write(o.resolve("d1/e0/f1"), "changed\n");
      Files.delete(o.resolve("d2/e0/f2"));
      Origins.publish(o, "demo", key);
      server.poll();
      SyncResult u = new SyncEngine(SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(uri).build()).sync();
      assertThat(u.filesChanged()).isEqualTo(1);
      assertThat(u.filesDeleted()).isEqualTo(1);
      assertThat(Files.readString(dest.resolve("d1/e0/f1"), StandardCharsets.UTF_8)).isEqualTo("changed\n");
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      SyncResult again = new SyncEngine(SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(uri).build()).sync();
      assertThat(again.upToDate()).isTrue();
    }
  }
}
