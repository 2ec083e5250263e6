package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.collector.server.CollectorServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API of a real server on loopback (SQLite). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectorApiTest {
  static final LocalDate D1 = LocalDate.of(2026, 11, 2);
  @TempDir static Path dir;
  CollectorServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  final TestMirror alpha = new TestMirror("alpha");

  @BeforeAll
  void start() throws Exception {
    server = CollectorServer.start(CollectorConfig.defaults(dir).withListen("127.0.0.1", 0)
        .withPrivacyThreshold(5).withMaxBatchBytes(64 * 1024));
    server.store().enrol("alpha", alpha.publicKey(), Optional.empty());
    int status = post(alpha.signed(alpha.batch("seed")
        .addRows(day(D1, "debian", "/debian/x.iso", "iso", 30, 3000, people("a", 20)))
        .addRows(day(D1, "debian", "/debian/rare.deb", "deb", 2, 20, people("b", 2)))
        .addRows(day(D1.plusDays(1), "debian", "/debian/x.iso", "iso", 10, 1000, people("c", 10)))
        .build())).statusCode();
    assertThat(status).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  HttpResponse<String> post(byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve("api/v1/batches"))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  @Test
  void submit_statusCodesFollowTheSpec() throws Exception {
    byte[] body = alpha.signed(alpha.batch("s1").addRows(day(D1, "apache", "/a.tar.gz", "tarball", 1, 1, "x")).build());
    assertThat(post(body).statusCode()).isEqualTo(201);
    HttpResponse<String> dup = post(body);
    assertThat(dup.statusCode()).isEqualTo(200);
    assertThat(json.readTree(dup.body()).get("duplicate").asBoolean()).isTrue();
    byte[] other = alpha.signed(alpha.batch("s1").addRows(day(D1, "apache", "/a.tar.gz", "tarball", 2, 1, "x")).build());
    assertThat(post(other).statusCode()).isEqualTo(409);
    TestMirror stranger = new TestMirror("alpha");
    assertThat(post(stranger.signed(stranger.batch("z").build())).statusCode()).isEqualTo(401);
    HttpResponse<String> bad = post("garbage".getBytes());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("error").asText()).contains("SignedStatsBatch");
    assertThat(post(new byte[70 * 1024]).statusCode()).isEqualTo(413);
  }

  @Test
  void projects_listsTotals() throws Exception {
    JsonNode p = getJson("api/v1/projects?from=2026-11-02&to=2026-11-04").get("projects");
    JsonNode debian = p.get(0);
    assertThat(debian.get("project").asText()).isEqualTo("debian");
    assertThat(debian.get("downloads").asLong()).isEqualTo(42);
    assertThat(debian.get("bytes").asLong()).isEqualTo(4020);
    assertThat(debian.get("unique").asLong()).isEqualTo(32);
  }

  @Test
  void artifacts_suppressesRareOnesAndExportsCsv() throws Exception {
    JsonNode body = getJson("api/v1/projects/debian/artifacts?period=all");
    assertThat(body.get("total").asLong()).isEqualTo(2);
    JsonNode rare = body.get("artifacts").get(1);
    assertThat(rare.get("artifact").asText()).isEqualTo("/debian/rare.deb");
    assertThat(rare.get("suppressed").asBoolean()).isTrue();
    assertThat(rare.get("downloads").isNull()).isTrue();
    HttpResponse<String> csv = get("api/v1/projects/debian/artifacts?format=csv");
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(csv.body()).startsWith("artifact,type,downloads,bytes,unique,suppressed,unique_window,unique_start\r\n"
            + "/debian/x.iso,iso,40,4000,30,false,day,2026-11-02\r\n")
        .contains("/debian/rare.deb,deb,,,,true,day,2026-11-02");
  }

  @Test
  void series_andBreakdowns() throws Exception {
    JsonNode s = getJson("api/v1/projects/debian/series?artifact=/debian/x.iso&from=2026-11-01&to=2026-11-04").get("series");
    assertThat(s).hasSize(3);
    assertThat(s.get(1).get("period").asText()).isEqualTo("2026-11-02");
    assertThat(s.get(1).get("downloads").asLong()).isEqualTo(30);
    assertThat(s.get(2).get("downloads").asLong()).isEqualTo(10);
    assertThat(s.get(0).get("suppressed").asBoolean()).isTrue();
    JsonNode types = getJson("api/v1/projects/debian/breakdown?by=type").get("breakdown");
    assertThat(types.get(0).get("key").asText()).isEqualTo("iso");
    JsonNode mirrors = getJson("api/v1/projects/debian/breakdown?by=mirror").get("breakdown");
    assertThat(mirrors.get(0).get("key").asText()).isEqualTo("alpha");
    assertThat(getJson("api/v1/projects/debian/breakdown?by=protocol").get("breakdown").get(0).get("key").asText())
        .isEqualTo("http");
    assertThat(get("api/v1/projects/debian/breakdown?by=colour").statusCode()).isEqualTo(400);
    assertThat(getJson("api/v1/projects/debian/countme").get("countme")).isEmpty();
    assertThat(get("api/v1/projects/debian/series?from=yesterday").statusCode()).isEqualTo(400);
    assertThat(getJson("api/v1/mirrors/alpha/series?interval=week").get("series").get(0).get("downloads").asLong())
        .isGreaterThanOrEqualTo(40);
  }

  @Test
  void mirrors_andOpenApiAreServed() throws Exception {
    JsonNode m = getJson("api/v1/mirrors").get("mirrors").get(0);
    assertThat(m.get("name").asText()).isEqualTo("alpha");
    assertThat(m.get("batches").asLong()).isGreaterThanOrEqualTo(1);
    HttpResponse<String> spec = get("api/v1/openapi.yaml");
    assertThat(spec.statusCode()).isEqualTo(200);
    assertThat(spec.body()).startsWith("openapi: 3");
    for (String path : List.of("/api/v1/batches", "/api/v1/projects", "/api/v1/projects/{project}",
        "/api/v1/projects/{project}/artifacts", "/api/v1/projects/{project}/series", "/api/v1/projects/{project}/breakdown",
        "/api/v1/projects/{project}/countme",
        "/api/v1/mirrors", "/api/v1/mirrors/{mirror}/series", "/api/v1/freshness", "/api/v1/openapi.yaml")) {
      assertThat(spec.body()).as("documented: " + path).contains("\n  " + path + ":\n");
    }
  }
}
