package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.Commands;
import io.chasm.hashtree.sign.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --json} on every command that produces a result; the JSON alone on stdout, parseable. */
class JsonOutputTest extends CapturedOutput {
  @TempDir Path dir;

  static final List<String> RESULT_COMMANDS = List.of("sync", "publish", "verify", "index", "status", "stats scan", "get",
      "keygen", "stats submit", "diff", "chunks", "export-static", "verify-proof");

  @Test
  void everyResultCommand_hasJson() {
    CommandLine root = Commands.configure("chasm", new CommandLine(new ChasmCli()));
    for (String name : RESULT_COMMANDS) {
      CommandLine cl = root;
      for (String part : name.split(" ")) {
        cl = cl.getSubcommands().get(part);
        assertThat(cl).as(name).isNotNull();
      }
      assertThat(cl.getCommandSpec().findOption("--json")).as("chasm " + name + " --json").isNotNull();
    }
  }

  @Test
  void keygen_json_isTheOnlyThingOnStdout() throws Exception {
    Path key = dir.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString(), "--json")).isZero();
    JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(j.get("private_key_file").asText()).isEqualTo(key.toString());
    assertThat(j.get("public_key_file").asText()).isEqualTo(key + ".pub");
    assertThat(j.get("public_key").asText()).isEqualTo(KeyFiles.readPublicKey(Path.of(key + ".pub")).toText());
    assertThat(j.get("key_id").asText()).isEqualTo(KeyFiles.readSigner(key).publicKey().keyId().toString());
  }
}
