package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code chasm sync} with the default state location keeps CHASM's state out of the
 * served tree: a plain web server in front of the mirror serves none of it, and a refused first
 * sync leaves nothing behind.
 */
class StateOutsideTreeTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void webServerInFrontOfAMirror_servesNoChasmState() throws Exception {
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("dists/stable/Release"), "Release 1\n");
    key.publish(origin, "demo");
    Path mirror = work.resolve("mirror");
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      Cli.Result r = Cli.run(work, LIMIT, "sync", server.uris().get(0).toString(), mirror.toString(), "--trust",
          key.publicKeyFile().toString());
      assertThat(r.exit()).as(r.err()).isZero();
    }
    Path state = StateLocation.of(mirror);
    assertThat(state.resolve("snapshots")).isDirectory();
    assertThat(state.startsWith(mirror.toRealPath())).isFalse();

    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", ex -> serveFile(mirror, ex));
    http.start();
    try {
      String base = "http://127.0.0.1:" + http.getAddress().getPort();
      HttpClient client = HttpClient.newHttpClient();
      assertThat(get(client, base + "/pool/a.deb")).isEqualTo(200);
      assertThat(get(client, base + "/")).isEqualTo(200);
      List<String> stateNames;
      try (Stream<Path> s = Files.list(state)) {
        stateNames = s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
      }
      assertThat(stateNames).contains("snapshots", "objects.pack", "index", "lock");
      for (String name : stateNames) {
        for (String prefix : List.of("/", "/.chasm/", "/.chasm-staging/", "/" + state.getFileName() + "/")) {
          assertThat(get(client, base + prefix + name)).as(prefix + name).isEqualTo(404);
        }
      }
      for (String dir : List.of("/.chasm/", "/.chasm", "/.chasm-staging/", "/.chasm-trees/",
          "/.chasm/snapshots/00000000000000000001.snapshot")) {
        assertThat(get(client, base + dir)).as(dir).isEqualTo(404);
      }
    } finally {
      http.stop(0);
    }
  }

  @Test
  void refusedFirstSync_leavesNothingBehind() throws Exception {
    Origin key = Origin.create(work);
    Origin stranger = Origin.create(Files.createDirectories(work.resolve("stranger")));
    Path origin = work.resolve("origin");
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(3000));
    key.publish(origin, "demo");
    Path newParent = work.resolve("new");
    Path fresh = newParent.resolve("mirror");
    Path full = work.resolve("full");
    Trees.write(full.resolve("stale.deb"), "left over\n");
    Map<String, String> before = Trees.listing(full);
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      String up = server.uris().get(0).toString();

      // An untrusted head: the missing destination and its missing parent are not created.
      Cli.Result untrusted = Cli.run(work, LIMIT, "sync", up, fresh.toString(), "--trust", stranger.publicKeyFile().toString());
      assertThat(untrusted.exit()).as(untrusted.err()).isNotZero();
      assertThat(newParent).doesNotExist();
      assertThat(StateLocation.of(fresh)).doesNotExist();

      // A non-empty destination without --delete: refused, and no state is left for it.
      Cli.Result refused = Cli.run(work, LIMIT, "sync", up, full.toString(), "--trust", key.publicKeyFile().toString());
      assertThat(refused.exit()).as(refused.err()).isEqualTo(ExitCodes.ERROR);
      assertThat(refused.err()).contains("--delete");
      assertThat(Trees.listing(full)).isEqualTo(before);
      assertThat(full.resolve(".chasm")).doesNotExist();
      assertThat(StateLocation.of(full)).doesNotExist();

      // The same sync, accepted, then works as usual.
      Cli.Result ok = Cli.run(work, LIMIT, "sync", up, fresh.toString(), "--trust", key.publicKeyFile().toString());
      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(Trees.listing(fresh)).isEqualTo(Trees.listing(origin));
      assertThat(StateLocation.of(fresh).resolve("snapshots")).isDirectory();
    }
  }

  private static int get(HttpClient client, String uri) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** What a plain static file server does: files and directory listings under the root, nothing else. */
  private static void serveFile(Path root, HttpExchange ex) throws IOException {
    Path p = root.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
    byte[] body;
    int status = 200;
    if (!p.startsWith(root) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      status = 404;
      body = "not found\n".getBytes(StandardCharsets.UTF_8);
    } else if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        body = s.map(c -> c.getFileName().toString()).collect(Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8);
      }
    } else {
      body = Files.readAllBytes(p);
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(body);
    }
  }
}
