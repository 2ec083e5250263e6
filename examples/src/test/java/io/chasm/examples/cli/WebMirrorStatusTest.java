package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chasm.examples.cli.InProcessCli.Run;
import io.chasm.wire.serve.TreeServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chasm status http://…} of a plain web mirror carrying a static export: the same snapshot
 * as the CHASM peer of that tree reports, checked with {@code --trust}, with no holders and no
 * proofs; a web server without an export holds nothing.
 */
class WebMirrorStatusTest {
  @TempDir Path dir;
  private HttpServer web;
  private Path tree;
  private Path state;
  private Path key;

  static Run chasm(String... args) {
    return InProcessCli.run(args);
  }

  @BeforeEach
  void exportAndServe() throws Exception {
    key = dir.resolve("origin.key");
    assertThat(chasm("keygen", "--out", key.toString()).exit()).isZero();
    tree = Files.createDirectories(dir.resolve("debian"));
    state = dir.resolve("debian.state");
    Files.writeString(tree.resolve("README"), "one\n");
    for (int seq = 1; seq <= 2; seq++) {
      Files.writeString(tree.resolve("Release"), "release " + seq + "\n");
      Run p = chasm("publish", tree.toString(), "--key", key.toString(), "--origin", "debian", "--state", state.toString());
      assertThat(p.exit()).as(p.err()).isZero();
    }
    Run e = chasm("export-static", tree.toString(), "--state", state.toString());
    assertThat(e.exit()).as(e.err()).isZero();
    // A static file server of the tree under /debian/, as any web server of a mirror would be.
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/", this::serveFile);
    web.start();
  }

  @AfterEach
  void stop() {
    if (web != null) {
      web.stop(0);
    }
  }

  private void serveFile(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    Path f = path.startsWith("/debian/") ? tree.resolve(path.substring("/debian/".length())).normalize() : null;
    if (f == null || !f.startsWith(tree) || !Files.isRegularFile(f)) {
      x.sendResponseHeaders(404, -1);
      x.close();
      return;
    }
    byte[] body = Files.readAllBytes(f);
    x.sendResponseHeaders(200, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + web.getAddress().getPort() + path;
  }

  @Test
  void status_ofAWebMirror_reportsTheExportedSnapshot_verified_noHoldersNoProofs() throws Exception {
    Run r = chasm("status", url("/debian/"), "--json", "--trust", key + ".pub");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("uri").asText()).isEqualTo(url("/debian/"));
    assertThat(j.get("repository").asText()).isEqualTo("debian");
    assertThat(j.get("sequence").asLong()).isEqualTo(2);
    assertThat(j.get("age_seconds").asLong()).isNotNegative();
    assertThat(j.get("verified").asBoolean()).isTrue();
    assertThat(j.get("holders").isArray()).isTrue();
    assertThat(j.get("holders")).isEmpty();
    assertThat(j.get("equivocation_proofs").isArray()).isTrue();
    assertThat(j.get("equivocation_proofs")).isEmpty();

    // The very snapshot the tree's own CHASM peer serves.
    try (TreeServer peer = TreeServer.start(tree, state, List.of(URI.create("tcp://127.0.0.1:0")), x -> x, Duration.ofHours(1))) {
      JsonNode p = new ObjectMapper().readTree(chasm("status", peer.uris().get(0).toString(), "--json").out());
      for (String field : List.of("repository", "sequence", "snapshot", "root", "created", "expires")) {
        assertThat(j.get(field)).as(field).isEqualTo(p.get(field));
      }
    }
    Run named = chasm("status", url("/debian/"), "--repo", "debian");
    assertThat(named.exit()).as(named.err()).isZero();
    assertThat(named.out()).startsWith(url("/debian/") + ": debian #2 root tree:sha256:");
  }

  @Test
  void status_ofAWebMirror_untrustedKey_exitOne() throws Exception {
    Path other = dir.resolve("other.key");
    assertThat(chasm("keygen", "--out", other.toString()).exit()).isZero();
    Run r = chasm("status", url("/debian/"), "--json", "--trust", other + ".pub");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("verified").asBoolean()).isFalse();
    assertThat(j.get("error").asText()).isNotBlank();
  }

  @Test
  void status_ofAWebServerWithoutExport_orAnotherRepository_exitTwo() {
    Run none = chasm("status", url("/nothing/"), "--json");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("holds no repository 'default'");
    Run other = chasm("status", url("/debian/"), "--repo", "ubuntu");
    assertThat(other.exit()).isEqualTo(2);
    assertThat(other.err()).contains("holds no repository 'ubuntu'");
  }
}
