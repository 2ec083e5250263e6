package io.chasm.examples.chasmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.hashtree.index.StateLocation;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
  @TempDir Path dir;

  @Test
  void exampleConfig_loadsAndNamesOnlyKnownKeys() throws Exception {
    Path example = Path.of("chasmd.example.conf");
    if (!Files.exists(example)) {
      example = Path.of("examples/chasmd.example.conf");
    }
    DaemonConfig c = DaemonConfig.load(example, Map.of());
    assertThat(c.tree()).isEqualTo(Path.of("/srv/mirror/debian"));
    assertThat(c.uris(DaemonKeys.FETCHER_UPSTREAM)).isNotEmpty();
    assertThat(c.duration(DaemonKeys.FETCHER_INTERVAL)).isPositive();
  }

  @Test
  void flags_overrideTheFile() throws Exception {
    Path f = dir.resolve("c.conf");
    Files.writeString(f, "tree = /a\nfetcher.upstream = tcp://a:1, tcp://b:2\noracle.poll = 500ms\n");
    DaemonConfig c = DaemonConfig.load(f, Map.of("tree", "/b"));
    assertThat(c.tree()).isEqualTo(Path.of("/b"));
    assertThat(c.uris(DaemonKeys.FETCHER_UPSTREAM)).containsExactly(URI.create("tcp://a:1"), URI.create("tcp://b:2"));
    assertThat(c.duration(DaemonKeys.ORACLE_POLL)).isEqualTo(Duration.ofMillis(500));
    assertThat(c.oracleSocket()).isEqualTo(URI.create("unix://" + StateLocation.of(Path.of("/b")).resolve("oracle.sock")));
    assertThat(DaemonConfig.load(f, Map.of("state", "/s")).oracleSocket()).isEqualTo(URI.create("unix:///s/oracle.sock"));
  }

  @Test
  void unknownKey_isRefusedNamingIt() {
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("peer.lisen", "tcp://x:1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown setting 'peer.lisen'");
  }

  @Test
  void badValues_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("fetcher.interval", "5 minutes")))
        .hasMessageContaining("fetcher.interval");
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("oracle.check-served-chunks", "maybe")))
        .hasMessageContaining("oracle.check-served-chunks");
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("fetcher.upstream", "localhost:7420")))
        .hasMessageContaining("no scheme");
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("fetcher.threshold", "0")))
        .hasMessageContaining("fetcher.threshold");
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("log.level", "loud"))).hasMessageContaining("log.level");
  }

  @Test
  void autoPublish_offByDefault_needsAKeyWhenOn() throws Exception {
    assertThat(DaemonConfig.load(null, Map.of()).autoPublishQuiet()).isNull();
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("oracle.auto-publish-quiet", "60s")))
        .hasMessageContaining("oracle.key");
    DaemonConfig c = DaemonConfig.load(null, Map.of("oracle.auto-publish-quiet", "60s", "oracle.key", "/k"));
    assertThat(c.autoPublishQuiet()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void noTree_isAClearError() throws Exception {
    DaemonConfig c = DaemonConfig.load(null, Map.of());
    assertThatThrownBy(c::tree).hasMessageContaining("--tree");
  }

  @Test
  void scrub_offByDefault_intervalAndRateParsed_badValuesRefused() throws Exception {
    DaemonConfig d = DaemonConfig.load(null, Map.of());
    assertThat(d.scrubInterval()).isNull();
    assertThat(d.scrubRate()).isEqualTo(20_000_000L);
    DaemonConfig c = DaemonConfig.load(null, Map.of("fetcher.scrub-interval", "7d", "fetcher.scrub-rate", "0.5"));
    assertThat(c.scrubInterval()).isEqualTo(Duration.ofDays(7));
    assertThat(c.scrubRate()).isEqualTo(500_000L);
    assertThat(DaemonConfig.load(null, Map.of("fetcher.scrub-rate", "0")).scrubRate()).isZero();
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("fetcher.scrub-interval", "weekly")))
        .hasMessageContaining("fetcher.scrub-interval");
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("fetcher.scrub-interval", "0s")))
        .hasMessageContaining("fetcher.scrub-interval must be positive");
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("fetcher.scrub-rate", "-1")))
        .hasMessageContaining("fetcher.scrub-rate must be MB/s");
    assertThatThrownBy(() -> DaemonConfig.load(null, Map.of("fetcher.scrub-rate", "fast")))
        .hasMessageContaining("fetcher.scrub-rate must be MB/s");
  }
}
