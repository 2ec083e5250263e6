package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.sign.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
  @TempDir Path dir;

  @Test
  void keygen_writesKeyPair() throws Exception {
    Path key = dir.resolve("KEY");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isEqualTo(ExitCodes.OK);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(KeyFiles.readSigner(key).publicKey())
        .isEqualTo(KeyFiles.readPublicKey(dir.resolve("KEY.pub")));
  }

  @Test
  void keygen_existingKey_exit2AndUntouched() throws Exception {
    Path key = dir.resolve("KEY");
    Files.writeString(key, "keep me");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isEqualTo(ExitCodes.ERROR);
    assertThat(Files.readString(key)).isEqualTo("keep me");
  }

  @Test
  void keygen_missingOut_usageError() {
    assertThat(ChasmCli.run("keygen")).isEqualTo(ExitCodes.ERROR);
  }
}
