package io.chasm.hashtree;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Library in ten lines", run for real; the README must quote this code. */
class ReadmeExampleTest {
  @TempDir Path tmp;

  @Test
  void example_runs() throws Exception {
    Files.createDirectories(tmp.resolve("pool"));
    Files.writeString(tmp.resolve("pool/a.deb"), "a");
    Path dir = tmp;
    // ---- README begins (after its first line) ----
    try (TreeIndex index = TreeIndex.open(dir)) {                    // state outside dir (StateLocation)
      IndexResult r = index.update();                                // rehashes only what changed
      Signer origin = Ed25519.generate();
      SignedSnapshot s = index.publish("debian", Duration.ofDays(7), origin);   // next sequence
      TreeVerifier.verify(dir, s, TrustPolicy.single(origin.publicKey()));      // throws on any bad byte
      System.out.println(r.rootTree() + ": " + r.files() + " files, " + r.rehashedFiles() + " rehashed");
    }
    // ---- README ends ----
    assertThat(Files.exists(io.chasm.hashtree.index.StateLocation.of(dir).resolve("snapshots"))).isTrue();
    assertThat(dir.resolve(".chasm")).doesNotExist();
  }

  @Test
  void readme_quotesThisTest() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String block = readme.substring(readme.indexOf("```java\n", readme.indexOf("## Library in ten lines")) + 8);
    block = block.substring(0, block.indexOf("```"));
    List<String> lines = block.lines().toList();
    String me = Files.readString(Path.of("src/test/java/io/chasm/hashtree/ReadmeExampleTest.java"));
    String quoted = me.substring(me.indexOf("README begins"), me.indexOf("README ends"));
    assertThat(lines.get(0)).startsWith("Path dir = ");
    for (String line : lines.subList(1, lines.size())) {
      assertThat(quoted).contains(line.strip());
    }
  }
}
