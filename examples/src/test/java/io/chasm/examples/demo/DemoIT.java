package io.chasm.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.hashtree.publish.TreePublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code chasm demo} from the packaged jar, as the README's first command runs it. */
class DemoIT {
  @Test
  void demo_runsTheWholeStoryAndLeavesNothingRunning() throws Exception {
    String jar = System.getProperty("chasm.jar");
    assertThat(jar).isNotNull();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
        "demo", "--no-wait", "--keep", "--image-mib", "8").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("pushed through both tiers")
        .contains("HashMismatchException")
        .contains("tier-2 still serves snapshot 2")
        .contains("the tier-2's served tree is intact")
        // The swarm step: the work spread over several honest sources, both cheats banned with evidence.
        .containsPattern("-> [2-5] sources delivered chunks; the liar was banned, the flipper was banned")
        .containsPattern("banned liar: tcp://\\S+ .*claimed the snapshot but answered not-held for \\d+ chunk\\(s\\) that other sources served")
        .containsPattern("banned flipper: .* does not match its bytes: expected hash sha256:\\w+, received hash sha256:\\w+")
        .contains("the tree synced from the swarm verifies against the origin's signed snapshot")
        .contains("no socket files left")
        .contains("batches acknowledged, 0 rejected")
        .contains("resent every batch: totals unchanged")
        .contains("demo: all steps behaved as expected");
    // Every daemon the demo started (all name its work directory in their arguments) has exited.
    String work = out.substring(out.indexOf("demo: kept ") + "demo: kept ".length()).split(" ")[0].strip();
    assertThat(work).startsWith("/");
    long alive = ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().map(c -> c.contains(work)).orElse(false)).count();
    assertThat(alive).isZero();
    TreePublisher.deleteRecursively(Path.of(work));
  }
}
