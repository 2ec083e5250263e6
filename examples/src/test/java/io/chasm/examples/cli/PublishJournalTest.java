package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.hashtree.index.IndexWatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chasm publish} and {@code chasm index} use the watcher's journal when one runs, and walk everything otherwise. */
class PublishJournalTest extends CapturedOutput {
  @TempDir Path dir;

  @Test
  void publish_statsOnlyWhatChanged_whileAWatcherRuns() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = dir.resolve("state");
    for (int i = 0; i < 50; i++) {
      Path f = Files.writeString(tree.resolve("f" + i), "file " + i);
      // Old enough to be trusted by stat: a file written in the last 2 s is re-read on every run.
      Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    }
    Path key = dir.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    String[] publish = {"publish", tree.toString(), "--key", key.toString(), "--state", state.toString(), "--no-notify", "--json"};
    assertThat(walk(publish)).isEqualTo("full: no index watcher running");
    try (IndexWatcher w = IndexWatcher.start(tree, state)) {
      assertThat(walk(publish)).startsWith("full: ");
      Files.writeString(tree.resolve("f7"), "changed");
      JsonNode j = run(publish);
      assertThat(j.get("index").get("walk").asText()).startsWith("journal: ");
      assertThat(j.get("index").get("rehashed_files").asLong()).isEqualTo(1);
      assertThat(walk("index", tree.toString(), "--state", state.toString(), "--json")).startsWith("journal: ");
    }
    Files.writeString(tree.resolve("f8"), "changed without a watcher");
    JsonNode j = run(publish);
    assertThat(j.get("index").get("walk").asText()).isEqualTo("full: no index watcher running");
    assertThat(j.get("index").get("rehashed_files").asLong()).isGreaterThanOrEqualTo(1);
  }

  private String walk(String... args) throws Exception {
    JsonNode j = run(args);
    return (j.has("index") ? j.get("index") : j).get("walk").asText();
  }

  private JsonNode run(String... args) throws Exception {
    out.reset();
    assertThat(ChasmCli.run(args)).as(String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8)).isZero();
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }
}
