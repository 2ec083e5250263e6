package io.chasm.examples.chasmd;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.demo.SoakRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak benchmark's 60-second version (bench/soak.sh runs it for 10 minutes): continuous
 * publishes at an origin daemon, each synced by a mirror daemon; heap after GC, file descriptors
 * and threads of both must stay flat within generous bounds. Figures go to the test's output file.
 */
class ChasmdSoakIT {
  @TempDir Path dir;

  @Test
  void sixtySeconds_ofPublishAndSync_staysFlat() throws Exception {
    SoakRun.Result r = SoakRun.run(Duration.ofSeconds(60), dir, ChasmdRolesIT.jar(), System.out);
    assertThat(r.publishes()).isPositive();
    assertThat(r.reached()).as("publishes that reached the mirror").isEqualTo(r.publishes());
    assertThat(r.mirrorVerifies()).isTrue();
    assertThat(r.growth()).as("growth").isNull();
  }
}
