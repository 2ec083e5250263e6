package io.chasm.examples.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/config.md and the example file cannot drift from the key registry. */
class ConfigDocTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void docsConfigMd_isGeneratedFromTheRegistry() throws Exception {
    String onDisk = Files.readString(ROOT.resolve("docs/config.md"));
    assertThat(onDisk).as("regenerate with: ./chasm config keys --markdown > docs/config.md").isEqualTo(ConfigDoc.markdown());
    for (ConfigKey k : ConfigKeys.all()) {
      assertThat(onDisk).contains("| `" + k.name() + "` |");
    }
  }

  @Test
  void exampleFile_isValid_andShowsEverySection() throws Exception {
    Path example = ROOT.resolve("examples/chasmd.example.conf");
    Settings s = Settings.load(example, Map.of());
    String text = Files.readString(example);
    for (String section : ConfigKeys.SECTIONS.keySet()) {
      if (!section.isEmpty()) {
        assertThat(text).as(section).containsPattern("(?m)^#?" + section + "\\.");
      }
    }
    assertThat(s.source("tree")).startsWith(example.toString());
  }
}
