package io.chasm.examples.cli;

import io.chasm.examples.cli.InProcessCli.Run;
import io.chasm.hashtree.index.StateLocation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the CLI in-process on temporary trees, checking output and exit codes. */
class TreeCommandsEndToEndTest {
  @TempDir Path dir;
  Path tree;
  Path key;

  static Run chasm(String... args) {
    return InProcessCli.run(args);
  }

  @BeforeEach
  void setUp() throws Exception {
    tree = dir.resolve("tree");
    Files.createDirectories(tree.resolve("pool/main"));
    Files.createDirectories(tree.resolve("dists/stable"));
    Files.writeString(tree.resolve("dists/stable/Release"), "Suite: stable\n");
    byte[] deb = new byte[400_000];
    new java.util.Random(7).nextBytes(deb);
    Files.write(tree.resolve("pool/main/a.deb"), deb);
    Files.writeString(tree.resolve("pool/main/b.deb"), "bbb");
    Files.createSymbolicLink(tree.resolve("dists/latest"), Path.of("stable"));
    FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
    try (Stream<Path> s = Files.walk(tree)) {
      for (Path p : s.toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, old);
        }
      }
    }
    key = dir.resolve("KEY");
    assertThat(chasm("keygen", "--out", key.toString()).exit()).isZero();
  }

  void publish() {
    Run r = chasm("publish", tree.toString(), "--key", key.toString(), "--expires", "7d");
    assertThat(r.exit()).as(r.err()).isZero();
  }

  Run verify() {
    return chasm("verify", tree.toString(), "--trust", key + ".pub");
  }

  @Test
  void index_json_reportsCountsAndRehashesNothingTheSecondTime() throws Exception {
    Run first = chasm("index", tree.toString(), "--json");
    assertThat(first.exit()).isZero();
    JsonNode j = new ObjectMapper().readTree(first.out());
    assertThat(j.get("files").asLong()).isEqualTo(3);
    assertThat(j.get("bytes").asLong()).isEqualTo(14 + 400_000 + 3);
    assertThat(j.get("rehashed_files").asLong()).isEqualTo(3);
    assertThat(j.get("root").asText()).startsWith("tree:sha256:");
    Run second = chasm("index", tree.toString(), "--json");
    JsonNode k = new ObjectMapper().readTree(second.out());
    assertThat(k.get("rehashed_files").asLong()).isZero();
    assertThat(k.get("root").asText()).isEqualTo(j.get("root").asText());
    Files.writeString(tree.resolve("pool/main/b.deb"), "changed");
    JsonNode third = new ObjectMapper().readTree(chasm("index", tree.toString(), "--json").out());
    assertThat(third.get("rehashed_files").asLong()).isEqualTo(1);
  }

  @Test
  void index_stateElsewhere_leavesTreeUntouched() {
    Path state = dir.resolve("state");
    assertThat(chasm("index", tree.toString(), "--state", state.toString()).exit()).isZero();
    assertThat(Files.exists(state.resolve("index"))).isTrue();
    assertThat(Files.exists(tree.resolve(".chasm"))).isFalse();
  }

  @Test
  void index_corruptIndexFile_rebuiltWithWarning() throws Exception {
    assertThat(chasm("index", tree.toString()).exit()).isZero();
    Path f = StateLocation.of(tree).resolve("index");
    byte[] b = Files.readAllBytes(f);
    b[10] ^= 1;
    Files.write(f, b);
    Run r = chasm("index", tree.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("warning").contains("rebuilding");
  }

  @Test
  void verify_untouched_exit0() {
    publish();
    Run r = verify();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("OK");
  }

  @Test
  void verify_changedByte_exit1AndNamesPath() throws Exception {
    publish();
    try (RandomAccessFile f = new RandomAccessFile(tree.resolve("pool/main/a.deb").toFile(), "rw")) {
      f.seek(200_000);
      int b = f.read();
      f.seek(200_000);
      f.write(b ^ 1);
    }
    Run r = verify();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("pool/main/a.deb");
  }

  @Test
  void verify_deletedAddedAndSymlinkChanged_exit1ListsAll() throws Exception {
    publish();
    Files.delete(tree.resolve("pool/main/b.deb"));
    Files.writeString(tree.resolve("pool/main/c.deb"), "new");
    Files.delete(tree.resolve("dists/latest"));
    Files.createSymbolicLink(tree.resolve("dists/latest"), Path.of("unstable"));
    Run r = chasm("verify", tree.toString(), "--trust", key + ".pub", "--json");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("ok").asBoolean()).isFalse();
    assertThat(j.get("differences").toString()).contains("pool/main/b.deb", "pool/main/c.deb", "dists/latest");
  }

  @Test
  void verify_untrustedKeyOrThreshold_exit1_usage_exit2() throws Exception {
    publish();
    Path other = dir.resolve("OTHER");
    chasm("keygen", "--out", other.toString());
    Run untrusted = chasm("verify", tree.toString(), "--trust", other + ".pub");
    assertThat(untrusted.exit()).isEqualTo(1);
    assertThat(untrusted.err()).contains("untrusted key").contains("check --trust: it must name the origin's public key");
    assertThat(chasm("verify", tree.toString(), "--trust", key + ".pub", "--trust", other + ".pub", "--threshold", "2").exit())
        .isEqualTo(1);
    assertThat(chasm("verify", tree.toString(), "--trust", key + ".pub", "--threshold", "2").exit()).isEqualTo(2);
    assertThat(chasm("verify", tree.toString()).exit()).isEqualTo(2);
    Run missing = chasm("verify", tree.toString(), "--trust", dir.resolve("missing.pub").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("missing.pub: public key file not found; copy the origin's KEY.pub here");
  }

  @Test
  void verify_nothingPublished_exit2() {
    Run r = verify();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no signed snapshot");
  }

  @Test
  void publishTwice_diffListsChanges() throws Exception {
    publish();
    Files.writeString(tree.resolve("pool/main/b.deb"), "v2");
    Files.writeString(tree.resolve("pool/main/new.deb"), "n");
    publish();
    Run r = chasm("diff", tree.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("M pool/main/b.deb", "A pool/main/new.deb");
    Run all = chasm("diff", tree.toString(), "--from", "0", "--to", "1");
    assertThat(all.out()).contains("A dists", "A pool");
  }

  @Test
  void publish_badKeyFile_exit2WithMessage() {
    Run r = chasm("publish", tree.toString(), "--key", key + ".pub");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("chasm: ").contains("public key file");
  }

  @Test
  void publish_missingKeyFile_namesKeygen() {
    Path missing = dir.resolve("origin.key");
    Run r = chasm("publish", tree.toString(), "--key", missing.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("chasm: " + missing + ": private key file not found; create a key pair with `chasm keygen --out "
        + missing + "`\n");
  }

  @Test
  void publish_stateLockHeld_namesTheHoldersPid() throws Exception {
    try (io.chasm.hashtree.index.TreeIndex held = io.chasm.hashtree.index.TreeIndex.open(tree)) {
      Run r = chasm("publish", tree.toString(), "--key", key.toString());
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("in use by another chasm process (pid " + ProcessHandle.current().pid() + ")")
          .contains("wait for it to finish or stop it");
    }
  }
}
