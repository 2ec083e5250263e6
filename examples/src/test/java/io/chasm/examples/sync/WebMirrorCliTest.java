package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.testkit.Nginx;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI in child processes: {@code chasm publish}, {@code chasm export-static}, an rsync-like
 * copy served by a real nginx, then {@code chasm sync http://... tcp://... DEST --trust KEY.pub}.
 */
class WebMirrorCliTest {
  static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir Path work;

  @Test
  void exportStatic_thenSyncFromAWebMirrorAndAPeer() throws Exception {
    assumeTrue(Nginx.binary() != null || System.getenv("CI") != null, "nginx is not installed (apt-get install nginx-light)");
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    Files.createDirectories(origin.resolve("pool"));
    for (int i = 0; i < 6; i++) {
      Files.write(origin.resolve("pool/pkg" + i + ".deb"), Trees.random(i, 150_000 + 10_000 * i));
    }
    Trees.write(origin.resolve("dists/stable/Release"), "Release 1\n");
    Cli.Result pub = Cli.run(work, LIMIT, "publish", origin.toString(), "--key", key.keyFile().toString(), "--origin", "demo");
    assertThat(pub.exit()).as(pub.err()).isZero();
    Cli.Result ex = Cli.run(work, LIMIT, "export-static", origin.toString(), "--json");
    assertThat(ex.exit()).as(ex.err()).isZero();
    assertThat(ex.out()).contains("\"sequence\" : 1").contains("\"path\" : \"" + ExportLayout.DIR + "\"");
    assertThat(origin.resolve(ExportLayout.HEAD)).isRegularFile();

    Path web = work.resolve("web");
    Trees.copy(origin, web);
    Path mirror = work.resolve("mirror");
    try (Nginx nginx = Nginx.start(work.resolve("nginx"), List.of(web));
        TreeServer peer = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      Cli.Result r = Cli.run(work, LIMIT, "sync", nginx.uri(0).toString(), peer.uris().get(0).toString(), mirror.toString(),
          "--trust", key.publicKeyFile().toString(), "--json");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("\"banned\":[]");
    }
    Map<String, String> expected = new TreeMap<>(Trees.listing(origin));
    expected.keySet().removeIf(k -> k.startsWith(ExportLayout.DIR));
    assertThat(Trees.listing(mirror)).isEqualTo(expected);
  }

  @Test
  void badInput_exitsTwoWithOneLine() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));
    Cli.Result ex = Cli.run(work, LIMIT, "export-static", empty.toString());
    assertThat(ex.exit()).isEqualTo(2);
    assertThat(ex.err().strip()).doesNotContain("\n").contains("no published snapshot");

    Origin key = Origin.create(work);
    Cli.Result r = Cli.run(work, LIMIT, "sync", "http:///no-host/", work.resolve("m").toString(), "--trust",
        key.publicKeyFile().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).doesNotContain("\n").contains("not an http(s) URL with a host");
  }
}
