package io.chasm.examples.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.SignatureException;
import io.chasm.api.UnsafePathException;
import io.chasm.hashtree.tree.SafePaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class NextStepTest {
  @Test
  void unsafeSymlink_namesSafeLinks_otherUnsafePaths_nothing() {
    assertThat(NextStep.after(refusal("passwd", "/etc/passwd"))).contains("--safe-links");
    assertThat(NextStep.after(refusal("pool/escape", "../../outside"))).contains("--safe-links");
    // A path that climbs out is not a link --safe-links could skip.
    assertThat(NextStep.after(new UnsafePathException("'../x' climbs above the root"))).isEmpty();
  }

  @Test
  void signature_namesTrust_missingFile_saysSo_restNothing() {
    assertThat(NextStep.after(new SignatureException("snapshot 3 signed by untrusted key ab12"))).contains("--trust");
    assertThat(NextStep.after(new NoSuchFileException("/srv/x"))).isEqualTo(": no such file or directory");
    assertThat(NextStep.after(new NoSuchFileException("/srv/x", null, "gone"))).isEmpty();
    assertThat(NextStep.after(new IllegalStateException("x"))).isEmpty();
  }

  private static UnsafePathException refusal(String link, String target) {
    try {
      SafePaths.checkSymlinkTarget(link, target.getBytes(StandardCharsets.UTF_8));
    } catch (UnsafePathException e) {
      return e;
    }
    throw new AssertionError(link + " -> " + target + " was accepted");
  }
}
