package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.cli.InProcessCli.Run;
import io.chasm.hashtree.snapshot.EquivocationProofs;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chasm sync} meeting two snapshots #2 signed by one key (exit 5, proof written), {@code
 * chasm verify-proof} on that proof and on what is not one, and {@code chasm status} of an honest
 * mirror and of one holding a proof.
 */
class EquivocationCommandsTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");
  @TempDir Path dir;

  static Run chasm(String... args) {
    return InProcessCli.run(args);
  }

  Path publish(String name, String content, Path key) throws Exception {
    Path t = dir.resolve(name);
    Files.createDirectories(t);
    Files.writeString(t.resolve("README"), content);
    Run r = chasm("publish", t.toString(), "--key", key.toString(), "--origin", "debian", "--state", dir.resolve(name + ".state").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    return t;
  }

  @Test
  void syncExitsFive_verifyProofAndStatusReportIt() throws Exception {
    Path key = dir.resolve("origin.key");
    Path other = dir.resolve("other.key");
    assertThat(chasm("keygen", "--out", key.toString()).exit()).isZero();
    assertThat(chasm("keygen", "--out", other.toString()).exit()).isZero();
    String pub = key + ".pub";
    Path a = publish("a", "one\n", key);
    Path b = publish("b", "one\n", key);
    Path m = dir.resolve("mirror");
    Path mState = dir.resolve("mirror.state");
    try (TreeServer sa = TreeServer.start(a, dir.resolve("a.state"), List.of(ANY_PORT), x -> x, java.time.Duration.ofHours(1));
        TreeServer sb = TreeServer.start(b, dir.resolve("b.state"), List.of(ANY_PORT), x -> x, java.time.Duration.ofHours(1))) {
      String ua = sa.uris().get(0).toString();
      String ub = sb.uris().get(0).toString();
      assertThat(chasm("sync", ua, m.toString(), "--trust", pub, "--state", mState.toString()).exit()).isZero();
      publish("a", "two as A\n", key);
      publish("b", "two as B\n", key);
      sa.poll();
      sb.poll();

      Run sync = chasm("sync", ua, ub, m.toString(), "--trust", pub, "--state", mState.toString());
      assertThat(sync.exit()).as(sync.err()).isEqualTo(5);
      assertThat(sync.err().strip()).startsWith("chasm: EquivocationException: equivocation:").contains("proof written to")
          .doesNotContain("\n");
      assertThat(Files.readString(m.resolve("README"))).isEqualTo("one\n");
      List<Path> proofs = EquivocationProofs.in(mState).files();
      assertThat(proofs).hasSize(1);
      String proof = proofs.get(0).toString();

      Run ok = chasm("verify-proof", proof, "--trust", pub);
      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(ok.out()).startsWith("EQUIVOCATION: the trusted key signed two snapshots #2 of debian");
      JsonNode j = new ObjectMapper().readTree(chasm("verify-proof", proof, "--trust", pub, "--json").out());
      assertThat(j.get("verdict").asText()).isEqualTo("equivocation");
      assertThat(j.get("snapshots")).hasSize(2);
      Run badSig = chasm("verify-proof", proof, "--trust", other + ".pub");
      assertThat(badSig.exit()).isEqualTo(4);
      assertThat(badSig.err()).startsWith("chasm: " + proof + ": bad signature: ");
      Path junk = Files.write(dir.resolve("junk.proof"), "CHASMEQV\u0001nothing".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      Run notProof = chasm("verify-proof", junk.toString(), "--trust", pub);
      assertThat(notProof.exit()).isEqualTo(3);
      assertThat(notProof.err().strip()).contains("not a proof").doesNotContain("\n");
      assertThat(chasm("verify-proof", dir.resolve("missing").toString(), "--trust", pub).exit()).isEqualTo(2);

      JsonNode honest = new ObjectMapper().readTree(chasm("status", ua, "--json", "--trust", pub).out());
      assertThat(honest.get("repository").asText()).isEqualTo("debian");
      assertThat(honest.get("sequence").asLong()).isEqualTo(2);
      assertThat(honest.get("root").asText()).startsWith("tree:sha256:");
      assertThat(honest.get("age_seconds").asLong()).isNotNegative();
      assertThat(honest.get("verified").asBoolean()).isTrue();
      assertThat(honest.get("equivocation_proofs")).isEmpty();
      assertThat(chasm("status", ua).exit()).isZero();
      try (TreeServer sm = TreeServer.start(m, mState, List.of(ANY_PORT), x -> x, java.time.Duration.ofHours(1))) {
        Run st = chasm("status", sm.uris().get(0).toString(), "--json", "--trust", pub);
        assertThat(st.exit()).isEqualTo(5);
        JsonNode alarmed = new ObjectMapper().readTree(st.out());
        assertThat(alarmed.get("sequence").asLong()).isEqualTo(1);
        assertThat(alarmed.get("equivocation_proofs")).hasSize(1);
        assertThat(alarmed.get("equivocation_proofs").get(0).get("sequence").asLong()).isEqualTo(2);
      }
    }
    Run unknown = chasm("status", "ftp://example.org/");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("not a mirror URI");
  }
}
