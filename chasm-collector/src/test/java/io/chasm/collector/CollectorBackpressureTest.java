package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.collector.internal.web.ApiRoutes;
import io.chasm.collector.server.CollectorServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload over real HTTP: past its pending bound the collector refuses submissions with 503 and
 * Retry-After, counting nothing, and past its read bound it answers from the rollups as they are,
 * saying as of when and how many batches are missing; once folded, both return to normal. The
 * roller is slowed to an hour so that only this test decides when batches are folded.
 */
class CollectorBackpressureTest {
  private static final LocalDate D1 = LocalDate.of(2026, 3, 2);

  @TempDir Path dir;
  private CollectorServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    System.setProperty(CollectorStore.ROLL_INTERVAL_PROPERTY, "3600000");
    System.setProperty(CollectorStore.MAX_PENDING_PROPERTY, "3");
    System.setProperty(CollectorStore.READ_WAIT_MAX_PROPERTY, "1");
    try {
      server = CollectorServer.start(CollectorConfig.defaults(dir).withListen("127.0.0.1", 0).withPrivacyThreshold(0));
    } finally {
      System.clearProperty(CollectorStore.ROLL_INTERVAL_PROPERTY);
      System.clearProperty(CollectorStore.MAX_PENDING_PROPERTY);
      System.clearProperty(CollectorStore.READ_WAIT_MAX_PROPERTY);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve("api/v1/batches"))
        .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long downloads(HttpResponse<String> projects, ObjectMapper json) throws Exception {
    long sum = 0;
    for (JsonNode p : json.readTree(projects.body()).get("projects")) {
      sum += p.get("downloads").asLong();
    }
    return sum;
  }

  private byte[] batch(TestMirror m, int i) {
    return m.signed(m.batch("b" + i).addRows(day(D1, "debian", "/pool/a.deb", "deb", 10, 100, people("p" + i, 6)))
        .build());
  }

  @Test
  void pastThePendingBound_submissionsGet503WithRetryAfter_readsSayAsOf_andNothingIsLost() throws Exception {
    TestMirror m = new TestMirror("mirror-a");
    server.store().enrol(m.name(), m.publicKey(), Optional.empty());

    // One pending batch: within the read bound, a read folds it first (read-your-writes).
    assertThat(post(batch(m, 1)).statusCode()).isEqualTo(201);
    HttpResponse<String> fresh = get("api/v1/projects");
    assertThat(fresh.statusCode()).isEqualTo(200);
    assertThat(downloads(fresh, json)).isEqualTo(10);
    assertThat(fresh.headers().firstValue(ApiRoutes.AS_OF)).isEmpty();

    // Three more: the backlog reaches the pending bound.
    for (int i = 2; i <= 4; i++) {
      assertThat(post(batch(m, i)).statusCode()).isEqualTo(201);
    }
    HttpResponse<String> busy = post(batch(m, 5));
    assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).contains(String.valueOf(CollectorStore.RETRY_AFTER_SECONDS));
    assertThat(json.readTree(busy.body()).get("error").asText()).contains("busy").contains("resend");
    // A resend of an acknowledged batch is refused the same way, and counts nothing either.
    assertThat(post(batch(m, 2)).statusCode()).isEqualTo(503);

    // Reads do not wait for the backlog: the rollups as of the last roll, and what is missing.
    HttpResponse<String> stale = get("api/v1/projects");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(downloads(stale, json)).isEqualTo(10);
    assertThat(stale.headers().firstValue(ApiRoutes.PENDING)).contains("3");
    Instant asOf = Instant.parse(stale.headers().firstValue(ApiRoutes.AS_OF).orElseThrow());
    assertThat(asOf).isBeforeOrEqualTo(Instant.now());
    HttpResponse<String> page = get("projects/debian");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue(ApiRoutes.AS_OF)).isPresent();

    // Folded: everything acknowledged is counted once, the refused batch not at all; then it is accepted.
    server.store().rollAll();
    HttpResponse<String> caughtUp = get("api/v1/projects");
    assertThat(downloads(caughtUp, json)).isEqualTo(40);
    assertThat(caughtUp.headers().firstValue(ApiRoutes.AS_OF)).isEmpty();
    assertThat(post(batch(m, 5)).statusCode()).isEqualTo(201);
    assertThat(post(batch(m, 2)).statusCode()).isEqualTo(200);
    assertThat(downloads(get("api/v1/projects"), json)).isEqualTo(50);
    assertThat(server.store().mirror("mirror-a").orElseThrow().batches()).isEqualTo(5);
  }
}
