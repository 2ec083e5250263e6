package io.chasm.examples.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.chasm.collector.CollectorConfig;
import io.chasm.collector.server.CollectorServer;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.stats.StatsRow;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.stats.StatsSubmitter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real agent: {@code chasm stats scan} on the shared real Apache log spools
 * batches, {@code chasm stats submit} sends them to a collector on loopback, and the collector's
 * API gives back the agent's report: same downloads and bytes per project and per artifact. A
 * resend changes nothing; a forged signature is refused and counted nowhere.
 */
class AgentToCollectorTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  static Path sample() {
    // Surefire runs in the module directory; the sample lives in the repository's data/.
    return Path.of("..", "data", "apache-combined-sample.log");
  }

  String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(ChasmCli.run(args)).as(String.join(" ", args)).isEqualTo(ExitCodes.OK);
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  JsonNode get(CollectorServer s, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return json.readTree(r.body());
  }

  Map<String, List<Long>> projects(CollectorServer s) throws Exception {
    Map<String, List<Long>> out = new HashMap<>();
    for (JsonNode p : get(s, "api/v1/projects").get("projects")) {
      out.put(p.get("project").asText(), List.of(p.get("downloads").asLong(), p.get("bytes").asLong()));
    }
    return out;
  }

  @Test
  void scanSubmitRead_apiReturnsTheAgentsTotals() throws Exception {
    Path state = dir.resolve("state");
    JsonNode report = json.readTree(run("stats", "scan", sample().toString(), "--state", state.toString(),
        "--mirror-id", "mirror-a", "--json"));
    Path key = dir.resolve("mirror.key");
    run("keygen", "--out", key.toString());
    Path spool = state.resolve("spool");
    List<byte[]> spooled = new ArrayList<>();
    try (Stream<Path> s = Files.list(spool)) {
      for (Path f : s.filter(f -> f.toString().endsWith(".batch")).toList()) {
        spooled.add(Files.readAllBytes(f));
      }
    }
    assertThat(spooled).isNotEmpty();

    Map<String, long[]> expected = new HashMap<>();
    for (JsonNode a : report.get("artifacts")) {
      long[] t = expected.computeIfAbsent(a.get("project").asText(), k -> new long[2]);
      t[0] += a.get("downloads").asLong();
      t[1] += a.get("bytes").asLong();
    }
    expected.values().removeIf(t -> t[0] == 0 && t[1] == 0);

    try (CollectorServer server = CollectorServer.start(
        CollectorConfig.defaults(dir.resolve("collector")).withListen("127.0.0.1", 0).withPrivacyThreshold(0))) {
      server.store().enrol("mirror-a", KeyFiles.readPublicKey(Path.of(key + ".pub")), java.util.Optional.empty());
      run("stats", "submit", "--collector", server.uri().toString(), "--key", key.toString(), "--spool", spool.toString());

      Map<String, List<Long>> api = projects(server);
      assertThat(api.values().stream().mapToLong(v -> v.get(0)).sum()).isEqualTo(report.get("downloads").asLong());
      expected.forEach((p, t) -> assertThat(api.get(p)).as(p).containsExactly(t[0], t[1]));
      JsonNode top = report.get("artifacts").get(0);
      JsonNode row = get(server, "api/v1/projects/" + URLEncoder.encode(top.get("project").asText(), StandardCharsets.UTF_8)
          + "/artifacts?limit=1").get("artifacts").get(0);
      assertThat(row.get("artifact").asText()).isEqualTo(top.get("artifact").asText());
      assertThat(row.get("downloads").asLong()).isEqualTo(top.get("downloads").asLong());
      assertThat(row.get("bytes").asLong()).isEqualTo(top.get("bytes").asLong());
      // The collector's artifact figure is the union of the DAY sketches it was sent (each day has
      // its own secret, so a client counts once per day): compare it with that union over the
      // spooled batches. Two estimates of one true count: the agent folds its sketches at lgK 12,
      // the collector at lgK 14 (and keeps sparse coupons exact longer), so they differ by noise,
      // not by a fixed 2% (which flaked at 2.09%). Allow three standard deviations of the difference.
      org.apache.datasketches.hll.Union days = new org.apache.datasketches.hll.Union(StatsRow.LG_K);
      for (byte[] b : spooled) {
        for (io.chasm.wire.proto.stats.StatsRow x : StatsBatch.parseFrom(b).getRowsList()) {
          if (x.getGranularity() == io.chasm.wire.proto.stats.Granularity.DAY
              && x.getArtifact().equals(top.get("artifact").asText()) && !x.getUniqueSketch().isEmpty()) {
            days.update(org.apache.datasketches.hll.HllSketch.heapify(x.getUniqueSketch().toByteArray()));
          }
        }
      }
      double rse = Math.hypot(1.04 / Math.sqrt(1 << StatsRow.LG_K), 1.04 / Math.sqrt(1 << 14));
      assertThat((double) row.get("unique").asLong())
          .isCloseTo(days.getCompositeEstimate(), org.assertj.core.data.Percentage.withPercentage(300 * rse));
      // The agent's own figures name their window; a month counts a returning client once.
      JsonNode month = top.get("unique_downloaders").get(0);
      assertThat(month.get("window").asText()).isEqualTo("month");
      assertThat(month.get("start").asText()).matches("\\d{4}-\\d{2}");
      assertThat(month.get("unique_downloaders").asDouble()).isLessThanOrEqualTo(days.getCompositeEstimate() * (1 + 3 * rse));

      // Resend every batch: acknowledged as already counted, nothing changes.
      StatsSubmitter submitter = new StatsSubmitter(server.uri(), KeyFiles.readSigner(key));
      for (byte[] b : spooled) {
        assertThat(submitter.send(b).httpStatus()).isEqualTo(200);
      }
      assertThat(projects(server)).isEqualTo(api);

      // A new batch (fresh id, same rows) signed by another key, presented as the mirror's: were it
      // accepted it would double every figure; it is refused and counted nowhere.
      byte[] copy = StatsBatch.parseFrom(spooled.get(0)).toBuilder()
          .setBatchId(ByteString.copyFrom(new byte[32])).build().toByteArray();
      byte[] forged = SignedStatsBatch.parseFrom(submitter.sign(copy)).toBuilder()
          .setSignature(ByteString.copyFrom(Ed25519.generate().sign(copy))).build().toByteArray();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("api/v1/batches"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(forged)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(projects(server)).isEqualTo(api);
      assertThat(server.store().mirror("mirror-a").orElseThrow().batches()).isEqualTo(spooled.size());
    }
  }
}
