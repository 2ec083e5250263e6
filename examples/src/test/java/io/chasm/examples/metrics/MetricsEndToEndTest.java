package io.chasm.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.chasmd.DaemonProcess;
import io.chasm.examples.demo.DistroTree;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics of real daemons over real HTTP: a {@code chasm serve} origin, a {@code chasmd --all}
 * mirror following it, a fetcher that cannot reach its upstream, and a {@code chasm collector
 * serve}, each its own JVM with {@code --metrics 127.0.0.1:0}. Every name docs/grafana/chasm.json
 * queries is exported by one of them, and the values move with a sync and a refused batch.
 */
class MetricsEndToEndTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final List<String> JVM = List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private static final Pattern PROMQL_NAME = Pattern.compile("\\bchasm_[a-z_]+");
  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<DaemonProcess> daemons = new ArrayList<>();

  @AfterEach
  void stop() {
    daemons.forEach(DaemonProcess::kill);
    processes.forEach(p -> {
      p.destroy();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @Test
  void everyDashboardMetric_isExportedByARunningDaemon_andMovesWithASync() throws Exception {
    DistroTree origin = new DistroTree(dir.resolve("origin"), 7);
    origin.create(6, 1);
    Path key = dir.resolve("origin.key");
    assertThat(chasm("keygen", "--out", key.toString())).isZero();
    assertThat(chasm("publish", origin.root().toString(), "--key", key.toString(), "--origin", "debian")).isZero();

    Process serve = cli("serve", origin.root().toString(), "--listen", "tcp://127.0.0.1:0", "--metrics", "127.0.0.1:0");
    List<String> serveOut = readUntil(serve, "metrics on ", 2);
    URI serveUri = URI.create(after(serveOut, "listening on ").split(" ")[0]);
    URI serveMetrics = URI.create(after(serveOut, "metrics on ").replace("/metrics", "/"));

    Path mirror = dir.resolve("mirror");
    DaemonProcess chasmd = daemon("mirror", "--all", "--tree", mirror.toString(), "--state", dir.resolve("mirror-state").toString(),
        "--upstream", serveUri.toString(), "--trust", key + ".pub", "--listen", "tcp://127.0.0.1:0", "--metrics", "127.0.0.1:0");
    URI mirrorMetrics = URI.create(chasmd.status().get("metrics"));

    await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
        assertThat(Exposition.scrape(mirrorMetrics).sum("chasm_snapshot_sequence", "")).isEqualTo(1.0));
    HttpResponse<String> health = Exposition.get(mirrorMetrics.resolve("/health"));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"ok\"").contains("serving debian #1");
    Exposition mirrorBefore = Exposition.scrape(mirrorMetrics);
    Exposition serveBefore = Exposition.scrape(serveMetrics);
    assertThat(mirrorBefore.sum("chasm_fetched_bytes_total", "")).isPositive();
    assertThat(serveBefore.sum("chasm_served_bytes_total", "kind=\"chunk\"")).isPositive();

    origin.update(1);
    assertThat(chasm("publish", origin.root().toString(), "--key", key.toString())).isZero();
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
        assertThat(Exposition.scrape(mirrorMetrics).sum("chasm_snapshot_sequence", "")).isEqualTo(2.0));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Exposition after = Exposition.scrape(mirrorMetrics);
      assertThat(after.sum("chasm_fetched_bytes_total", "")).isGreaterThan(mirrorBefore.sum("chasm_fetched_bytes_total", ""));
      assertThat(after.sum("chasm_sync_seconds_count", "result=\"changed\""))
          .isGreaterThan(mirrorBefore.sum("chasm_sync_seconds_count", "result=\"changed\""));
      assertThat(after.sum("chasm_upstream_sequence", "")).isEqualTo(2.0);
      assertThat(after.sum("chasm_upstream_behind_seconds", "")).isZero();
    });
    Exposition serveAfter = Exposition.scrape(serveMetrics);
    assertThat(serveAfter.sum("chasm_served_bytes_total", "")).isGreaterThan(serveBefore.sum("chasm_served_bytes_total", ""));
    assertThat(serveAfter.sum("chasm_snapshot_sequence", "")).isEqualTo(2.0);
    assertThat(serveAfter.sum("chasm_peer_subscriptions", "")).isGreaterThanOrEqualTo(1.0);

    // A fetcher whose upstream does not answer: errors by type, and /health says why it is not ready.
    DaemonProcess lost = daemon("lost", "fetcher", "--tree", dir.resolve("lost").toString(), "--socket", dir.resolve("lost.sock").toString(),
        "--upstream", "tcp://127.0.0.1:1", "--trust", key + ".pub", "--metrics", "127.0.0.1:0");
    URI lostMetrics = URI.create(lost.status().get("metrics"));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(Exposition.scrape(lostMetrics).sum("chasm_errors_total", "stage=\"sync\"")).isPositive());
    HttpResponse<String> lostHealth = Exposition.get(lostMetrics.resolve("/health"));
    assertThat(lostHealth.statusCode()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(lostHealth.body()).get("reason").asText()).contains("no snapshot synced yet");

    Process collector = cli("collector", "serve", "--data", dir.resolve("collector").toString(), "--listen", "127.0.0.1:0",
        "--metrics", "127.0.0.1:0");
    List<String> colOut = readUntil(collector, "collector: metrics on ", 2);
    URI collectorUri = URI.create(after(colOut, "collector: serving ").split(" ")[0]);
    URI collectorMetrics = URI.create(after(colOut, "collector: metrics on ").replace("/metrics", "/"));
    assertThat(Exposition.get(collectorMetrics.resolve("/health")).statusCode()).isEqualTo(200);
    var post = java.net.http.HttpRequest.newBuilder(collectorUri.resolve("/api/v1/batches"))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build();
    int status = java.net.http.HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString()).statusCode();
    assertThat(status).isEqualTo(400);
    Exposition col = Exposition.scrape(collectorMetrics);
    assertThat(col.sum("chasm_collector_batches_total", "outcome=\"refused\",reason=\"malformed\"")).isEqualTo(1.0);
    assertThat(col.sum("chasm_collector_ingest_seconds_count", "")).isEqualTo(1.0);

    Set<String> exported = new TreeSet<>();
    for (URI u : List.of(serveMetrics, mirrorMetrics, lostMetrics, collectorMetrics)) {
      exported.addAll(Exposition.scrape(u).names());
    }
    Set<String> queried = dashboardNames();
    assertThat(queried).hasSizeGreaterThan(10);
    for (String name : queried) {
      assertThat(exported).as("queried by docs/grafana/chasm.json").contains(name);
    }
    assertThat(exported).containsAll(MetricNames.EXPOSED);
  }

  /** The metric names in the dashboard's PromQL, as exported (a histogram's _bucket is one of its series). */
  private static Set<String> dashboardNames() throws Exception {
    JsonNode dash = new ObjectMapper().readTree(ROOT.resolve("docs/grafana/chasm.json").toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode expr : dash.findValues("expr")) {
      Matcher m = PROMQL_NAME.matcher(expr.asText());
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  private DaemonProcess daemon(String name, String... args) throws Exception {
    DaemonProcess d = DaemonProcess.start(name, dir.resolve("logs"), Duration.ofSeconds(90), JVM, args);
    daemons.add(d);
    return d;
  }

  private Process cli(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(JVM);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChasmCli.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("cli-" + processes.size() + ".err").toFile()).start();
    processes.add(p);
    return p;
  }

  /** Lines of the process's stdout up to and including the first that starts with {@code last} (at most {@code max} + a few). */
  private static List<String> readUntil(Process p, String last, int max) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (String l = r.readLine(); l != null; l = r.readLine()) {
      lines.add(l);
      if (l.startsWith(last)) {
        return lines;
      }
    }
    throw new AssertionError("exited with " + p.waitFor() + " before '" + last + "': " + lines);
  }

  private static String after(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
  }

  private static int chasm(String... args) {
    PrintStream old = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return ChasmCli.run(args);
    } finally {
      System.setOut(old);
    }
  }
}
