package io.chasm.wire.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.publish.QuietPublisher;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An origin that publishes itself after a quiet period, and an oracle that then serves the new head. */
class QuietPublisherTest {
  @TempDir Path tree;
  final Ed25519Signer key = Ed25519.generate();

  @Test
  void changesThenQuiet_publishNextSnapshot_oracleServesIt() throws Exception {
    Files.writeString(tree.resolve("README"), "v1\n");
    try (TreeIndex index = TreeIndex.open(tree)) {
      index.update();
      index.publish("demo", Duration.ofDays(1), key);
    }
    List<SignedSnapshot> published = new CopyOnWriteArrayList<>();
    try (OracleBackend oracle = new OracleBackend(tree, Set.of(), true, TrustPolicy.single(key.publicKey()));
        QuietPublisher p = QuietPublisher.start(() -> TreeIndex.open(tree), "demo", Duration.ofDays(1),
            Duration.ofMillis(200), Duration.ofMillis(100), s -> {
              published.add(s);
              try {
                oracle.refresh();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }, key)) {
      oracle.refresh();
      assertThat(oracle.sequence()).isEqualTo(1);

      Files.createDirectories(tree.resolve("pool/new/dir"));
      Files.writeString(tree.resolve("pool/new/dir/pkg.deb"), "package\n");
      Files.writeString(tree.resolve("README"), "v2\n");

      await().atMost(Duration.ofSeconds(30)).until(() -> oracle.sequence() == 2);
      assertThat(published).hasSize(1);
      try (TreeIndex check = TreeIndex.open(tree)) {
        assertThat(published.get(0).snapshot().rootTree()).isEqualTo(check.update().rootTree());
      }

      // A file in a directory created after the start is watched too.
      Files.writeString(tree.resolve("pool/new/dir/pkg.deb"), "package 2\n", StandardCharsets.UTF_8);
      await().atMost(Duration.ofSeconds(30)).until(() -> oracle.sequence() == 3);
    }
  }
}
