package io.chasm.examples.config;

import io.chasm.examples.cli.InProcessCli;
import io.chasm.examples.cli.InProcessCli.Run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.chasm.ChasmCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chasm serve and chasm collector serve read their keys from the node's one config file; flags override it. */
class ConfigFileDaemonsTest {
  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void serveAndCollector_takeTheirSectionsFromOneFile_flagsOverride() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "hello");
    Path key = dir.resolve("o.key");
    assertThat(quiet("keygen", "--out", key.toString()).exit()).isZero();
    assertThat(quiet("publish", tree.toString(), "--key", key.toString(), "--origin", "t").exit()).isZero();
    Path conf = dir.resolve("chasm.conf");
    Files.writeString(conf, String.join("\n", "tree = " + tree, "serve.listen = tcp://127.0.0.1:0", "metrics.listen = 127.0.0.1:0",
        "collector.listen = 127.0.0.1:0", "collector.data = " + dir.resolve("col"), "collector.privacy-threshold = 0", ""));

    List<String> serve = started(List.of("serve", "--config", conf.toString()), "metrics on ");
    assertThat(serve.get(0)).startsWith("listening on tcp://127.0.0.1:").contains("(t #1)");
    URI metrics = URI.create(serve.get(serve.size() - 1).substring("metrics on ".length()));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("chasm_snapshot_sequence 1.0");

    // No --metrics in the file's place: the flag wins over metrics.listen, and --listen over collector.listen.
    List<String> col = started(List.of("collector", "serve", "--config", conf.toString(), "--listen", "127.0.0.1:0"), "collector: serving ");
    assertThat(col.get(0)).startsWith("collector: serving http://127.0.0.1:");
    assertThat(dir.resolve("col")).isDirectory();
  }

  @Test
  void badFile_stopsEachDaemonWithExitTwo_andOneLineNamingFileLineAndKey() throws Exception {
    Path conf = dir.resolve("chasm.conf");
    Files.writeString(conf, "tree = /nowhere\n\nserve.lisen = tcp://127.0.0.1:0\n");
    String expected = conf + ":3: unknown setting 'serve.lisen' (did you mean 'serve.listen'?);"
        + " the keys are listed in docs/config.md or by chasm config keys";
    Run serve = quiet("serve", "--config", conf.toString());
    assertThat(serve.exit()).isEqualTo(2);
    assertThat(serve.err().strip()).isEqualTo("chasm: " + expected);
    Run col = quiet("collector", "serve", "--config", conf.toString(), "--data", dir.resolve("c").toString());
    assertThat(col.exit()).isEqualTo(2);
    assertThat(col.err().strip()).isEqualTo("chasm: " + expected);
    Run check = quiet("config", "check", conf.toString());
    assertThat(check.exit()).isEqualTo(2);
    assertThat(check.err().strip()).isEqualTo("chasm: " + expected);
    Files.writeString(conf, "serve.listen = tcp://127.0.0.1:0\n");
    Run missing = quiet("serve", "--config", conf.toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip()).isEqualTo("chasm: " + conf + ": missing required key 'tree': set it in the config file or pass DIR");
  }

  @Test
  void configCheckJson_showsEveryKeyWithItsSource() throws Exception {
    Path conf = dir.resolve("chasm.conf");
    Files.writeString(conf, "# a node\ntree = /srv/t\nmetrics.listen = 127.0.0.1:9420\n");
    Run r = quiet("config", "check", conf.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("valid").asBoolean()).isTrue();
    assertThat(doc.get("settings").size()).isEqualTo(ConfigKeys.all().size());
    assertThat(doc.at("/settings/tree/source").asText()).isEqualTo(conf + ":2");
    assertThat(doc.at("/settings/metrics.listen/value").asText()).isEqualTo("127.0.0.1:9420");
    assertThat(doc.at("/settings/fetcher.interval/source").asText()).isEqualTo("default");
  }

  private List<String> started(List<String> args, String lastLinePrefix) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ChasmCli.class.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("err-" + processes.size() + ".txt").toFile()).start();
    processes.add(p);
    BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (String l = in.readLine(); l != null; l = in.readLine()) {
      lines.add(l);
      if (l.startsWith(lastLinePrefix)) {
        return lines;
      }
    }
    throw new AssertionError("exited " + p.waitFor() + ": " + lines + " " + Files.readString(dir.resolve("err-" + (processes.size() - 1) + ".txt")));
  }

  private static Run quiet(String... args) {
    return InProcessCli.run(args);
  }
}
