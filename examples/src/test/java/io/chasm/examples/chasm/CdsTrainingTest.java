package io.chasm.examples.chasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.common.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsTrainingTest {
  @TempDir Path dir;

  /** If the training run broke, the launcher would silently record a --version-only archive. */
  @Test
  void run_publishServeSyncTwice_succeedsAndMirrorMatches() throws Exception {
    assertThat(CdsTraining.run(dir)).isEqualTo(ExitCodes.OK);
    assertThat(Files.readAllBytes(dir.resolve("mirror/big.bin"))).isEqualTo(Files.readAllBytes(dir.resolve("origin/big.bin")));
    assertThat(Files.readString(dir.resolve("mirror/d0/f0.txt"))).endsWith("round 1");
  }
}
