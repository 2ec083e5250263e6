package io.chasm.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("chasm.conf");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void unknownKey_namesFileLineAndTheNearestKnownKey() throws Exception {
    Path f = file("# node\ntree = /srv/t\n\nfetcher.intervall = 5m\n");
    assertThatThrownBy(() -> Settings.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":4: unknown setting 'fetcher.intervall' (did you mean 'fetcher.interval'?)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("fetcher.intervall"));
  }

  @Test
  void unknownKey_farFromEveryKey_hasNoSuggestion() throws Exception {
    Path f = file("completely.different.thing = 1\n");
    assertThatThrownBy(() -> Settings.load(f, Map.of())).hasMessageContaining("unknown setting 'completely.different.thing';")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void badValue_namesFileLineAndKey() throws Exception {
    Path f = file("tree = /t\nmetrics.listen = localhost\ncollector.listen = 1.2.3.4:80\n");
    assertThatThrownBy(() -> Settings.load(f, Map.of()))
        .hasMessage(f + ":2: metrics.listen must be HOST:PORT like 127.0.0.1:9420, got 'localhost'");
    Path g = file("fetcher.threshold = \\\n   0\n");
    assertThatThrownBy(() -> Settings.load(g, Map.of())).hasMessage(g + ":1: fetcher.threshold must be at least 1, got 0");
    Path h = file("serve.upload-limit = fast\n");
    assertThatThrownBy(() -> Settings.load(h, Map.of())).hasMessageStartingWith(h + ":1: serve.upload-limit must be a rate");
  }

  @Test
  void keySetTwice_isRefusedNamingBothLines() throws Exception {
    Path f = file("tree = /a\nlog.level = info\ntree = /b\n");
    assertThatThrownBy(() -> Settings.load(f, Map.of())).hasMessage(f + ":3: 'tree' is already set on line 1: keep one of the two");
  }

  @Test
  void missingRequiredKey_namesFileKeyAndFlag() throws Exception {
    Settings s = Settings.load(file("log.level = debug\n"), Map.of());
    assertThatThrownBy(() -> s.require("serve.listen", "--listen URI"))
        .hasMessage(dir.resolve("chasm.conf") + ": missing required key 'serve.listen': set it in the config file or pass --listen URI");
  }

  @Test
  void flagsOverrideTheFile_andEachValueKnowsItsSource() throws Exception {
    Path f = file("tree = /a\nserve.listen = tcp://127.0.0.1:1\n");
    Settings s = Settings.load(f, Map.of("serve.listen", "tcp://127.0.0.1:2"));
    assertThat(s.get("tree")).isEqualTo("/a");
    assertThat(s.source("tree")).isEqualTo(f + ":1");
    assertThat(s.get("serve.listen")).isEqualTo("tcp://127.0.0.1:2");
    assertThat(s.source("serve.listen")).isEqualTo("command line");
    assertThat(s.get("fetcher.interval")).isEqualTo("5m");
    assertThat(s.source("fetcher.interval")).isEqualTo("default");
    assertThatThrownBy(() -> Settings.load(f, Map.of("metrics.listn", ":1"))).hasMessageStartingWith("command line: unknown setting 'metrics.listn' (did you mean 'metrics.listen'?)");
  }

  @Test
  void everyDefault_passesItsOwnCheck() {
    for (ConfigKey k : ConfigKeys.all()) {
      k.check(k.defaultValue());
      assertThat(k.meaning()).as(k.name()).isNotBlank();
      assertThat(ConfigKeys.SECTIONS).as(k.name()).containsKey(k.section());
    }
  }
}
