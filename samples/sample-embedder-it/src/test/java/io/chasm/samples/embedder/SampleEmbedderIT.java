package io.chasm.samples.embedder;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads what the sample embedder printed when invoker:run built and ran it offline. Invoker
 * already fails on a failed build; this checks the sample did its work, and did it with the
 * artifacts of this build rather than with stale copies in ~/.m2.
 */
class SampleEmbedderIT {
  private static final String VERSION = System.getProperty("chasm.version");
  private static final Path REPO = Path.of(System.getProperty("it.local.repo")).toAbsolutePath();
  private static final Path REACTOR = Path.of("../..").toAbsolutePath().normalize();

  private static List<String> log() throws Exception {
    return Files.readAllLines(Path.of(System.getProperty("it.build.log")));
  }

  private static String lineStartingWith(String prefix) throws Exception {
    return log().stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in the sample's build.log"));
  }

  @Test
  void sampleIndexedSignedAndVerifiedTheTree() throws Exception {
    assertThat(lineStartingWith("verified ")).startsWith("verified 3 files, snapshot #1, root tree:")
        .endsWith(", differing []");
  }

  @Test
  void sampleSawVerificationNameTheChangedFile() throws Exception {
    assertThat(lineStartingWith("after changing one byte"))
        .isEqualTo("after changing one byte of pool/b.bin, differing [pool/b.bin]");
  }

  @Test
  void sampleRanAgainstTheFreshlyInstalledJarOfThisBuild() throws Exception {
    String from = lineStartingWith("chasm-hash-tree loaded from ").substring("chasm-hash-tree loaded from ".length());
    Path jar = Path.of(URI.create(from)).toAbsolutePath().normalize();
    assertThat(jar).isEqualTo(REPO.resolve("io/chasm/chasm-hash-tree/" + VERSION + "/chasm-hash-tree-" + VERSION + ".jar"));
    assertThat(Files.mismatch(jar, REACTOR.resolve("chasm-hash-tree/target/chasm-hash-tree-" + VERSION + ".jar"))).isEqualTo(-1L);
  }

  @Test
  void bomTheSampleImportedIsThisBuildsBom() throws Exception {
    Path bom = REPO.resolve("io/chasm/chasm-bom/" + VERSION + "/chasm-bom-" + VERSION + ".pom");
    assertThat(Files.mismatch(bom, REACTOR.resolve("chasm-bom/pom.xml"))).isEqualTo(-1L);
  }
}
