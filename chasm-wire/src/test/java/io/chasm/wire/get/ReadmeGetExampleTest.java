package io.chasm.wire.get;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.PathNotFoundException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's third library example (one verified file from several mirrors), run for real; the README must quote this code. */
class ReadmeGetExampleTest {
  @TempDir Path tmp;

  @Test
  @Timeout(60)
  void example_runs() throws Exception {
    Path origin = tmp.resolve("origin");
    Files.createDirectories(origin.resolve("pool/main/p/pkg"));
    Files.writeString(origin.resolve("pool/main/p/pkg/pkg_1.0.deb"), "package p, version 1.0\n".repeat(10_000));
    Signer key = Ed25519.generate();
    try (TreeIndex index = TreeIndex.open(origin)) {
      index.update();
      index.publish("debian", Duration.ofDays(7), key);
    }
    try (TreeServer a = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")));
        TreeServer b = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      List<URI> mirrors = List.of(a.uris().get(0), b.uris().get(0));
      TrustPolicy trust = TrustPolicy.single(key.publicKey());
      Path out = tmp.resolve("pkg_1.0.deb");
      // ---- README begins (after its first three lines) ----
      try {
        Download d = VerifiedDownload.from(mirrors).trust(trust).repository("debian")
            .get("pool/main/p/pkg/pkg_1.0.deb", out);
        System.out.println(out + ": " + d.size() + " bytes, verified against snapshot #" + d.sequence());
        d.bytesBySource().forEach((mirror, bytes) -> System.out.println("  " + bytes + " bytes from " + mirror));
        d.dropped().forEach(why -> System.err.println("  not used: " + why));
      } catch (PathNotFoundException e) {
        System.err.println("not in the signed tree: " + e.getMessage());
      } catch (VerificationException e) {
        System.err.println("no mirror sent verified data: " + e.getMessage());   // out is untouched
      }
      // ---- README ends ----
      assertThat(Files.readString(out)).isEqualTo("package p, version 1.0\n".repeat(10_000));
    }
  }

  @Test
  void readme_quotesThisTest() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("One verified file from many mirrors");
    assertThat(section).isPositive();
    int start = readme.indexOf("```java\n", section);
    String block = readme.substring(start + 8);
    block = block.substring(0, block.indexOf("```"));
    List<String> lines = block.lines().toList();
    String me = Files.readString(Path.of("src/test/java/io/chasm/wire/get/ReadmeGetExampleTest.java"));
    String quoted = me.substring(me.indexOf("README begins"), me.indexOf("README ends"));
    assertThat(lines.get(0)).startsWith("List<URI> mirrors = ");
    assertThat(lines.get(1)).startsWith("TrustPolicy trust = ");
    assertThat(lines.get(2)).startsWith("Path out = ");
    assertThat(lines.size()).isBetween(12, 22);
    for (String line : lines.subList(3, lines.size())) {
      assertThat(quoted).contains(line.strip());
    }
  }
}
