package io.chasm.collector;

import io.chasm.api.retry.Backoff;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.chasm.collector.server.CollectorServer;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.stats.DirectoryOutbox;
import io.chasm.wire.stats.StatsSubmitter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector on a real loopback port over each database: end to end from the shared real log to
 * the API, and many agents at once. Subclasses give a fresh database per test.
 */
abstract class AbstractCollectorServerTest {
  abstract String freshDatabaseUrl() throws Exception;

  abstract String databaseName();

  @TempDir Path dir;
  CollectorServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  CollectorServer start() throws Exception {
    server = CollectorServer.start(CollectorConfig.defaults(dir).withJdbcUrl(freshDatabaseUrl())
        .withListen("127.0.0.1", 0).withPrivacyThreshold(0));
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  Map<String, long[]> projectTotals() throws Exception {
    Map<String, long[]> out = new HashMap<>();
    for (JsonNode p : get("api/v1/projects").get("projects")) {
      out.put(p.get("project").asText(), new long[] {p.get("downloads").asLong(), p.get("bytes").asLong()});
    }
    return out;
  }

  @Test
  void endToEnd_sampleLogSubmitted_apiReturnsSameTotals_resendAndForgeryCountNothing() throws Exception {
    start();
    TestMirror m = new TestMirror("mirror-a");
    server.store().enrol(m.name(), m.publicKey(), Optional.empty());
    AgentBatches sample = AgentBatches.scan(m.name(), dir);
    Path spool = Files.createDirectories(dir.resolve("spool"));
    for (int i = 0; i < sample.batches.size(); i++) {
      Files.write(spool.resolve(String.format("%04d.batch", i)), sample.batches.get(i).toByteArray());
    }
    // The agent's side: the real submission client signing with the mirror key.
    StatsSubmitter submitter = new StatsSubmitter(server.uri(), m.signer(),
        Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)).withFullJitter().withMaxAttempts(3), d -> Thread.sleep(d.toMillis()));
    StatsSubmitter.Report report = submitter.drain(new DirectoryOutbox(spool));
    assertThat(report.complete()).isTrue();
    assertThat(report.acknowledged()).isEqualTo(sample.batches.size());

    Map<String, long[]> api = projectTotals();
    assertThat(api.keySet()).isEqualTo(sample.downloadsAndBytes.keySet());
    sample.downloadsAndBytes.forEach((project, expected) -> assertThat(api.get(project)).as(project).containsExactly(expected));
    long total = api.values().stream().mapToLong(v -> v[0]).sum();
    assertThat(total).isEqualTo(sample.totalDownloads);

    // Resend everything: acknowledged as duplicates, nothing changes.
    for (var b : sample.batches) {
      assertThat(submitter.send(b.toByteArray()).httpStatus()).isEqualTo(200);
    }
    assertThat(projectTotals()).usingRecursiveComparison().isEqualTo(api);

    // A forged batch (valid key, signature by someone else): refused, counted nowhere.
    // A copy of a real batch under a fresh id: accepted, it would double every figure.
    var forgedBatch = sample.batches.get(0).toBuilder().setBatchId(ByteString.copyFrom(new byte[32])).build().toByteArray();
    byte[] forged = SignedStatsBatch.newBuilder().setBatch(ByteString.copyFrom(forgedBatch)).setSignatureAlgorithm(1)
        .setPublicKey(ByteString.copyFrom(m.publicKey().raw()))
        .setSignature(ByteString.copyFrom(Ed25519.generate().sign(forgedBatch))).build().toByteArray();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("api/v1/batches"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(forged)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(projectTotals()).usingRecursiveComparison().isEqualTo(api);
    assertThat(get("api/v1/mirrors").get("mirrors").get(0).get("batches").asLong()).isEqualTo(sample.batches.size());
  }

  @Test
  void load_manyAgentsWithResends_everyDistinctBatchCountedOnce() throws Exception {
    start();
    int agents = Integer.getInteger("load.agents", 12);
    int batches = Integer.getInteger("load.batches", 20);
    LoadRun run = new LoadRun(agents, batches).run(server);
    System.out.println(run.summary(databaseName()));
    assertThat(run.failures).isZero();
    assertThat(run.created).isEqualTo(run.distinctBatches);
    assertThat(run.duplicates).isEqualTo(run.sent - run.distinctBatches);
    assertThat(projectTotals().get("load")[0]).isEqualTo(run.expectedDownloads);
    for (JsonNode mirror : get("api/v1/mirrors").get("mirrors")) {
      assertThat(mirror.get("batches").asLong()).isEqualTo(batches - batches / 10);
    }
  }

}
