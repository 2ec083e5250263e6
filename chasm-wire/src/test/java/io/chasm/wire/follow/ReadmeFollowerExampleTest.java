package io.chasm.wire.follow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's second library example (following an upstream), run for real; the README must quote this code. */
class ReadmeFollowerExampleTest {
  @TempDir Path tmp;

  @Test
  @Timeout(60)
  void example_runs() throws Exception {
    Path origin = tmp.resolve("origin");
    Files.createDirectories(origin.resolve("pool"));
    Files.writeString(origin.resolve("pool/a.deb"), "a");
    Signer key = Ed25519.generate();
    try (TreeIndex index = TreeIndex.open(origin)) {
      index.update();
      index.publish("debian", Duration.ofDays(7), key);
    }
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      Path dir = tmp.resolve("mirror");
      URI upstream = server.uris().get(0);
      TrustPolicy trust = TrustPolicy.single(key.publicKey());
      // ---- README begins (after its first three lines) ----
      SyncOptions sync = SyncOptions.builder(dir, trust).upstream(upstream).build();
      CountDownLatch first = new CountDownLatch(1);
      try (Follower f = Follower.builder(sync).listener(new FollowListener() {
            @Override public void synced(SyncResult r, String why) {
              System.out.println(dir + " at #" + r.sequence() + " (" + why + ")");
              first.countDown();
            }
          }).build().start()) {
        first.await();                       // a daemon waits for SIGTERM here instead
      }
      // ---- README ends ----
      assertThat(Files.readString(dir.resolve("pool/a.deb"))).isEqualTo("a");
    }
  }

  @Test
  void readme_quotesThisTest() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("## Library in ten lines");
    int firstBlock = readme.indexOf("```java\n", section);
    int secondBlock = readme.indexOf("```java\n", readme.indexOf("```\n", firstBlock + 8));
    String block = readme.substring(secondBlock + 8);
    block = block.substring(0, block.indexOf("```"));
    List<String> lines = block.lines().toList();
    String me = Files.readString(Path.of("src/test/java/io/chasm/wire/follow/ReadmeFollowerExampleTest.java"));
    String quoted = me.substring(me.indexOf("README begins"), me.indexOf("README ends"));
    assertThat(lines.get(0)).startsWith("Path dir = ");
    assertThat(lines.get(1)).startsWith("URI upstream = ");
    assertThat(lines.get(2)).startsWith("TrustPolicy trust = ");
    assertThat(lines.size()).isBetween(10, 16);
    for (String line : lines.subList(3, lines.size())) {
      assertThat(quoted).contains(line.strip());
    }
  }
}
