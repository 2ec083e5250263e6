package io.chasm.examples.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.collector.CollectorConfig;
import io.chasm.collector.server.CollectorServer;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.hashtree.sign.KeyFiles;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact counts whatever the step size and wherever a crash falls. For each log format: one clean
 * run of the agent (a real {@code chasm stats scan} process) submits to one collector (a real
 * server on loopback); another agent on the same log is killed with SIGKILL at 20 random points,
 * each rerun with another {@code --commit-every}, and its spool is submitted after every kill
 * (so redone steps resend batches the collector already counted: they must be answered 2xx,
 * never 409). The second collector's downloads and bytes then equal the first's exactly, per
 * project and per artifact, and unique downloaders agree within the sketches' error.
 */
class StatsExactnessKillTest {
  static final int KILLS = 20;
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"combined", "xferlog", "vsftpd", "rsyncd", "git-daemon"})
  void sigkillAtRandomPoints_withChangingStepSizes_collectorTotalsEqualACleanRun(String format) throws Exception {
    long t0 = System.nanoTime();
    Random rnd = new Random();
    Path log = new ExactnessLogs(format.hashCode()).write(format, Files.createDirectories(dir.resolve("logs")), 1_500_000);
    Path key = dir.resolve("mirror.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    String spec = format.equals("git-daemon") ? "git-daemon:2024" : format;

    Path clean = dir.resolve("clean");
    Process p = agent(clean, spec, log, 64L << 20);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();

    Path killed = dir.resolve("killed");
    List<String> kills = new ArrayList<>();
    try (CollectorServer a = collector("a", key); CollectorServer b = collector("b", key)) {
      submit(a, key, clean);
      int runs = 0;
      while (kills.size() < KILLS) {
        long step = (4L << 10) + rnd.nextInt(12 << 10);
        Process k = agent(killed, spec, log, step);
        runs++;
        // Half the kills wait for a committed step and strike a moment later (in a step, a spool
        // write or a state write); the others strike at a random time from start-up, but before a
        // second step commits. Either way a run moves at most about two steps, so the log outlasts
        // the kills however fast the machine happens to be.
        long start = generation(killed);
        if (rnd.nextBoolean()) {
          long target = generation(killed) + 1;
          while (k.isAlive() && generation(killed) < target) {
            Thread.sleep(2);
          }
          Thread.sleep(rnd.nextInt(25));
        } else {
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + rnd.nextInt(900));
          while (k.isAlive() && System.nanoTime() < until && generation(killed) <= start + 1) {
            Thread.sleep(2);
          }
        }
        if (k.isAlive()) {
          k.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
          k.waitFor();
          kills.add(step + "@" + generation(killed));
        } else {
          assertThat(k.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
          break; // read through before enough kills: the assertion below says so
        }
        submit(b, key, killed);
      }
      Process last = agent(killed, spec, log, (8L << 10) + rnd.nextInt(56 << 10));
      assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(last.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
      submit(b, key, killed);
      assertThat(kills).as("the log must outlast %d kills; make it longer", KILLS).hasSize(KILLS);

      Map<String, long[]> expected = figures(a);
      Map<String, long[]> got = figures(b);
      assertThat(expected).isNotEmpty();
      assertThat(got.keySet()).isEqualTo(expected.keySet());
      double rse = 1.04 / Math.sqrt(1 << 12);
      expected.forEach((k, e) -> {
        long[] g = got.get(k);
        assertThat(new long[] {g[0], g[1]}).as("downloads, bytes of %s", k).containsExactly(e[0], e[1]);
        assertThat((double) g[2]).as("uniques of %s", k).isCloseTo(e[2], org.assertj.core.data.Offset.offset(2 + 6 * rse * e[2]));
      });
      assertThat(expected.values().stream().mapToLong(v -> v[0]).sum()).isPositive();
      System.out.printf("%s: %d kills (step size@committed steps: %s), %d runs, %.1f s%n", format, kills.size(),
          kills, runs + 1, (System.nanoTime() - t0) / 1e9);
    }
  }

  Process agent(Path state, String format, Path log, long stepBytes) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ChasmCli.class.getName(),
        "stats", "scan", "--state", state.toString(), "--mirror-id", "mirror", "--format", format,
        "--commit-every", Long.toString(stepBytes), "--threads", "2", "--json", log.toString()));
    return new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile()).start();
  }

  CollectorServer collector(String name, Path key) throws Exception {
    CollectorServer s = CollectorServer.start(CollectorConfig.defaults(dir.resolve("collector-" + name))
        .withListen("127.0.0.1", 0).withPrivacyThreshold(0));
    s.store().enrol("mirror", KeyFiles.readPublicKey(Path.of(key + ".pub")), Optional.empty());
    return s;
  }

  /** Submits the spool; every batch must be acknowledged (a 409 would move it to rejected/). */
  static void submit(CollectorServer s, Path key, Path state) throws IOException {
    Path spool = state.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return;
    }
    assertThat(ChasmCli.run("stats", "submit", "--collector", s.uri().toString(), "--key", key.toString(),
        "--spool", spool.toString())).isZero();
    Path rejected = spool.resolve("rejected");
    if (Files.isDirectory(rejected)) {
      try (Stream<Path> r = Files.list(rejected)) {
        assertThat(r.map(Path::getFileName).map(Path::toString).toList()).as("rejected batches").isEmpty();
      }
    }
  }

  /** Per project and per artifact: {downloads, bytes, unique}. */
  Map<String, long[]> figures(CollectorServer s) throws Exception {
    Map<String, long[]> out = new TreeMap<>();
    for (JsonNode p : get(s, "api/v1/projects").get("projects")) {
      String project = p.get("project").asText();
      out.put(project, new long[] {p.get("downloads").asLong(), p.get("bytes").asLong(), p.get("unique").asLong()});
      JsonNode arts = get(s, "api/v1/projects/" + URLEncoder.encode(project, StandardCharsets.UTF_8)
          + "/artifacts?limit=1000").get("artifacts");
      for (JsonNode a : arts) {
        out.put(project + " " + a.get("artifact").asText() + " " + a.get("type").asText(),
            new long[] {a.get("downloads").asLong(), a.get("bytes").asLong(), a.get("unique").asLong()});
      }
    }
    return out;
  }

  JsonNode get(CollectorServer s, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return json.readTree(r.body());
  }

  /** Committed steps so far: the generation field of state.bin (0 when none). */
  static long generation(Path state) throws IOException {
    return StatsKillTest.generation(state);
  }
}
