package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.OriginChangedException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §9.18: an edit at the origin without a publish fails a sync naming the path, and tears nothing. */
class OriginChangedTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");

  @TempDir Path tmp;
  final Ed25519Signer key = Ed25519.generate();

  SyncResult sync(URI from, Path dest) throws Exception {
    return new SyncEngine(SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(from).build()).sync();
  }

  @Test
  void editWithoutPublish_syncFailsNamingThePathAndSnapshot_mirrorUnchanged() throws Exception {
    Path o = tmp.resolve("origin");
    Trees.write(o.resolve("README"), "hello\n");
    Trees.write(o.resolve("pool/main/a/pkg_1.0.deb"), "package a ".repeat(5000));
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      URI uri = server.uris().get(0);
      sync(uri, dest);
      Map<String, String> before = Trees.listing(dest);

      Trees.write(o.resolve("pool/main/b/pkg_2.0.deb"), "package b ".repeat(3000));
      Origins.publish(o, "demo", key);
      server.poll();
      Trees.write(o.resolve("pool/main/b/pkg_2.0.deb"), "edited b ".repeat(3000));

      assertThatThrownBy(() -> sync(uri, dest))
          .isInstanceOfSatisfying(OriginChangedException.class, e -> {
            assertThat(e.paths()).containsExactly("pool/main/b/pkg_2.0.deb");
            assertThat(e.snapshot()).isEqualTo(2);
            assertThat(e.upstream()).isEqualTo(uri.toString());
          })
          .hasMessage("upstream " + uri + " : origin changed since snapshot 2: pool/main/b/pkg_2.0.deb (publish a new snapshot there)");
      assertThat(Trees.listing(dest)).as("nothing of snapshot 2 is published").isEqualTo(before);
      assertThat(Files.exists(dest.resolve("pool/main/b"))).isFalse();

      Origins.publish(o, "demo", key);
      server.poll();
      assertThat(sync(uri, dest).sequence()).isEqualTo(3);
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
    }
  }
}
