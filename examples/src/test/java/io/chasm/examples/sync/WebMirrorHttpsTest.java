package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.testkit.Nginx;
import io.chasm.testkit.Origin;
import io.chasm.testkit.TlsFiles;
import io.chasm.testkit.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chasm sync https://...} from a plain web mirror served by a real nginx over TLS, with a
 * certificate the client JVM is told to trust (as an operator with a private CA does, through
 * {@code JAVA_OPTS}); without that trust the sync stops at once with one line and exit 2, not
 * retried, and DEST is not written.
 */
class WebMirrorHttpsTest {
  static final Duration LIMIT = Duration.ofSeconds(120);

  @TempDir Path work;

  @Test
  void syncOverHttps_withTheCertificateTrusted_andRefusedWithoutIt() throws Exception {
    assumeTrue(Nginx.binary() != null || System.getenv("CI") != null, "nginx is not installed (apt-get install nginx-light)");
    Origin key = Origin.create(work);
    Path origin = Files.createDirectories(work.resolve("origin/pool")).getParent();
    for (int i = 0; i < 4; i++) {
      Files.write(origin.resolve("pool/pkg" + i + ".deb"), Trees.random(i, 120_000 + 10_000 * i));
    }
    Trees.write(origin.resolve("dists/stable/Release"), "Release 1\n");
    Cli.Result pub = Cli.run(work, LIMIT, "publish", origin.toString(), "--key", key.keyFile().toString(), "--origin", "demo");
    assertThat(pub.exit()).as(pub.err()).isZero();
    Cli.Result ex = Cli.run(work, LIMIT, "export-static", origin.toString());
    assertThat(ex.exit()).as(ex.err()).isZero();
    Path web = work.resolve("web");
    Trees.copy(origin, web);
    TlsFiles tls = TlsFiles.selfSigned(work.resolve("tls"));

    try (Nginx nginx = Nginx.startTls(work.resolve("nginx"), List.of(web), tls)) {
      String url = nginx.uri(0).toString();
      assertThat(url).startsWith("https://");

      Path refusedDest = work.resolve("refused");
      Cli.Result untrusted = Cli.run(work, LIMIT, "sync", url, refusedDest.toString(), "--trust", key.publicKeyFile().toString());
      assertThat(untrusted.exit()).as(untrusted.err()).isEqualTo(ExitCodes.ERROR);
      assertThat(untrusted.err().strip()).doesNotContain("\n").startsWith("chasm: ").contains(url)
          .containsIgnoringCase("certificat").doesNotContain("trying again");
      assertThat(Files.exists(refusedDest) ? Trees.listing(refusedDest) : Map.of()).isEmpty();
      int requestsRefused = nginx.accessLog(0).size();

      Path mirror = work.resolve("mirror");
      Cli.Result r = Cli.run(work, LIMIT, tls.clientJvmOptions(), "sync", url, mirror.toString(), "--trust",
          key.publicKeyFile().toString(), "--json");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("\"banned\":[]");
      Map<String, String> expected = new TreeMap<>(Trees.listing(origin));
      expected.keySet().removeIf(k -> k.startsWith(ExportLayout.DIR));
      assertThat(Trees.listing(mirror)).isEqualTo(expected);
      assertThat(nginx.accessLog(0).subList(requestsRefused, nginx.accessLog(0).size()))
          .as("requests nginx answered over TLS").isNotEmpty().allMatch(l -> l.startsWith("200 ") || l.startsWith("206 "));
    }
  }
}
