package io.chasm.examples.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorCommandTest {
  @TempDir Path dir;

  String captureOut(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(ChasmCli.run(args)).isEqualTo(ExitCodes.OK);
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void mirror_addListRevoke() {
    String data = dir.resolve("data").toString();
    Path key = dir.resolve("m1.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    assertThat(captureOut("collector", "mirror", "add", "m1", "--key", key + ".pub", "--project", "debian", "--data", data))
        .contains("enrolled mirror m1");
    assertThat(ChasmCli.run("collector", "mirror", "add", "m1", "--key", key + ".pub", "--data", data))
        .isEqualTo(ExitCodes.ERROR);
    assertThat(captureOut("collector", "mirror", "list", "--data", data)).contains("m1").contains("active").contains("debian");
    assertThat(ChasmCli.run("collector", "mirror", "revoke", "m1", "--data", data)).isZero();
    assertThat(ChasmCli.run("collector", "mirror", "revoke", "m1", "--data", data)).isEqualTo(ExitCodes.ERROR);
    assertThat(captureOut("collector", "mirror", "list", "--data", data)).contains("revoked");
    assertThat(ChasmCli.run("collector", "mirror", "add", "m2", "--key", dir.resolve("missing.pub").toString(), "--data", data))
        .isEqualTo(ExitCodes.ERROR);
  }

  static Process startCollector(String data) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ChasmCli.class.getName(),
        "collector", "serve", "--data", data, "--listen", "127.0.0.1:0", "--privacy-threshold", "0")
        .redirectErrorStream(true).start();
  }

  /** The URL the collector process prints once it listens. */
  static URI collectorUri(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      Matcher m = Pattern.compile("serving (http://\\S+)").matcher(line);
      if (m.find()) {
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("the collector exited before it listened");
  }

  static StatsBatch batch(String mirror, int n) {
    byte[] id = new byte[32];
    id[0] = (byte) n;
    return StatsBatch.newBuilder().setFormatVersion(1).setMirrorId(mirror).setBatchId(ByteString.copyFrom(id))
        .addRows(StatsRow.newBuilder().setGranularity(Granularity.DAY).setPeriodStart(86400L * (20000 + n)).setProject("debian")
            .setArtifact("/debian/x.iso").setType("iso").setProtocol("http").setDownloads(3).setBytes(300))
        .build();
  }

  static String get(URI uri) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * stats submit --tree reports the mirror's snapshot with its batches (SPEC 11.19); the
   * collector process shows it on /freshness, and the next publish moves it on.
   */
  @Test
  void submitWithTree_reportsTheServedSnapshot_onTheFreshnessBoard() throws Exception {
    String data = dir.resolve("data").toString();
    Path key = dir.resolve("m1.key");
    Path origin = dir.resolve("origin.key");
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = dir.resolve("tree-state");
    Files.writeString(tree.resolve("README"), "one");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    assertThat(ChasmCli.run("keygen", "--out", origin.toString())).isZero();
    assertThat(ChasmCli.run("publish", tree.toString(), "--key", origin.toString(), "--state", state.toString(),
        "--origin", "debian<&>", "--no-notify")).isZero();
    assertThat(ChasmCli.run("collector", "mirror", "add", "m1", "--key", key + ".pub", "--data", data)).isZero();
    Path spool = Files.createDirectories(dir.resolve("spool"));
    Process p = startCollector(data);
    try {
      URI uri = collectorUri(p);
      String[] submit = {"--collector", uri.toString(), "--key", key.toString(), "--spool", spool.toString(),
          "--tree", tree.toString(), "--tree-state", state.toString()};
      Files.write(spool.resolve("0001.batch"), batch("m1", 1).toByteArray());
      assertThat(statsSubmit(submit)).isZero();
      String board = get(uri.resolve("freshness"));
      assertThat(board).contains("debian&lt;&amp;&gt;").contains(">1</td>").contains("fresh").doesNotContain("debian<&>");

      Files.writeString(tree.resolve("README"), "two");
      assertThat(ChasmCli.run("publish", tree.toString(), "--key", origin.toString(), "--state", state.toString(),
          "--no-notify")).isZero();
      Files.write(spool.resolve("0002.batch"), batch("m1", 2).toByteArray());
      assertThat(statsSubmit(submit)).isZero();
      assertThat(get(uri.resolve("freshness"))).contains(">2</td>").doesNotContain(">1</td>");
      assertThat(get(uri.resolve("mirrors/m1"))).contains("mirror-snapshots").contains(">2</td>");
      assertThat(get(uri.resolve("api/v1/freshness"))).contains("\"mirror\":\"m1\"").contains("\"repository\":\"debian<&>\"")
          .contains("\"sequence\":2").contains("\"stale\":false");

      int rc = statsSubmit("--collector", uri.toString(), "--key", key.toString(),
          "--spool", spool.toString(), "--tree", dir.resolve("no-such-tree").toString());
      assertThat(rc).isEqualTo(ExitCodes.ERROR);
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** serve as a real process; stats submit from the spool; SIGTERM stops it cleanly. */
  @Test
  void serveAndSubmit_overRealSockets() throws Exception {
    String data = dir.resolve("data").toString();
    Path key = dir.resolve("m1.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    assertThat(ChasmCli.run("collector", "mirror", "add", "m1", "--key", key + ".pub", "--data", data)).isZero();
    Process p = startCollector(data);
    try {
      URI uri = collectorUri(p);
      Path spool = Files.createDirectories(dir.resolve("spool"));
      StatsBatch b = StatsBatch.newBuilder().setFormatVersion(1).setMirrorId("m1")
          .setBatchId(ByteString.copyFrom(new byte[32]))
          .addRows(StatsRow.newBuilder().setGranularity(Granularity.DAY).setPeriodStart(86400L * 20000).setProject("debian")
              .setArtifact("/debian/x.iso").setType("iso").setProtocol("http").setDownloads(3).setBytes(300))
          .build();
      Files.write(spool.resolve("0001.batch"), b.toByteArray());
      String json = captureOut("stats", "submit", "--collector", uri.toString(), "--key", key.toString(),
          "--spool", spool.toString(), "--json");
      com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      assertThat(report.get("acknowledged").asInt()).isEqualTo(1);
      assertThat(report.get("refused").asInt()).isZero();
      assertThat(report.get("waiting").asInt()).isZero();
      assertThat(report.get("stopped_because").isNull()).isTrue();
      assertThat(spool.resolve("0001.batch")).doesNotExist();
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(uri.resolve("api/v1/projects")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).contains("\"project\":\"debian\"").contains("\"downloads\":3");
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).as("SIGTERM is a clean stop (exit 0, not 143): systemd counts 143 as a failure").isZero();
    assertThat(captureOut("collector", "mirror", "list", "--data", data)).contains("m1").doesNotContain("never");
  }

  @Test
  void demo_startsSubmitsAndStops() throws Exception {
    URI uri;
    try (CollectorDemo demo = CollectorDemo.start(dir.resolve("demo"), 0)) {
      uri = demo.uri();
      StatsBatch b = StatsBatch.newBuilder().setFormatVersion(1).setMirrorId(CollectorDemo.MIRROR)
          .setBatchId(ByteString.copyFrom(new byte[32]))
          .addRows(StatsRow.newBuilder().setGranularity(Granularity.DAY).setPeriodStart(86400L * 20000).setProject("p")
              .setArtifact("/a").setType("iso").setProtocol("http").setDownloads(1).setBytes(1))
          .build();
      assertThat(demo.submit(b.toByteArray()).httpStatus()).isEqualTo(201);
      Path spool = Files.createDirectories(dir.resolve("demo-spool"));
      Files.write(spool.resolve("x.batch"), b.toByteArray());
      assertThat(demo.submit(spool).complete()).isTrue();
      HttpResponse<String> home = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(home.body()).contains("CHASM downloads");
    }
    HttpClient client = HttpClient.newHttpClient();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  /** `chasm stats submit ARGS` through the CLI, as an operator runs it. */
  private static int statsSubmit(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "stats";
    all[1] = "submit";
    System.arraycopy(args, 0, all, 2, args.length);
    return ChasmCli.run(all);
  }

}
