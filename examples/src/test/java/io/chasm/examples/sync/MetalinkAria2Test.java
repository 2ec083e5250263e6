package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chasm.examples.common.ExitCodes;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chasm metalink} end to end with a real download client: aria2 (Debian's aria2) reads the
 * .meta4, downloads from plain web servers carrying the tree ({@code python3 -m http.server}) and
 * checks the SHA-256 and piece hashes; a mirror holding a changed byte fails aria2's check.
 */
class MetalinkAria2Test {
  static final Duration LIMIT = Duration.ofSeconds(120);
  static final String BIG = "pool/main/b/big file.iso";

  @TempDir Path tmp;
  final List<Process> servers = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : servers) {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void aria2_downloadsAndVerifies_andRefusesATamperedMirror() throws Exception {
    assumeTrue(onPath("aria2c") || System.getenv("CI") != null, "aria2 is not installed (apt-get install aria2)");
    Origin origin = Origin.create(tmp);
    Path tree = tmp.resolve("origin");
    Files.createDirectories(tree.resolve("pool/main/b"));
    Files.write(tree.resolve(BIG), Trees.random(11, 3_000_000));
    Trees.write(tree.resolve("README"), "hello\n");
    origin.publish(tree, "debian");
    Path bad = tmp.resolve("bad-mirror");
    Trees.copy(tree, bad);
    byte[] b = Files.readAllBytes(bad.resolve(BIG));
    b[2_100_000] ^= 1;
    Files.write(bad.resolve(BIG), b);
    String good1 = serve(tree);
    String good2 = serve(tree);
    String badUrl = serve(bad);
    Path work = Files.createDirectories(tmp.resolve("work"));

    Path meta = work.resolve("big.meta4");
    Cli.Result m = Cli.run(work, LIMIT, "metalink", tree.toString(), BIG, "--mirror", good1, "--mirror", good2,
        "--piece-length", "262144", "-o", meta.toString());
    assertThat(m.exit()).as(m.err()).isEqualTo(ExitCodes.OK);
    assertThat(Files.readString(meta)).contains("urn:ietf:params:xml:ns:metalink").contains("big%20file.iso");

    Path got = Files.createDirectories(work.resolve("got"));
    Cli.Result a = aria2(work, got, meta);
    assertThat(a.exit()).as(a.out() + a.err()).isZero();
    assertThat(Files.readAllBytes(got.resolve(BIG))).isEqualTo(Files.readAllBytes(tree.resolve(BIG)));

    Path badMeta = work.resolve("bad.meta4");
    Cli.Result mb = Cli.run(work, LIMIT, "metalink", tree.toString(), BIG, "--mirror", badUrl, "-o", badMeta.toString());
    assertThat(mb.exit()).as(mb.err()).isEqualTo(ExitCodes.OK);
    Path got2 = Files.createDirectories(work.resolve("got2"));
    Cli.Result ab = aria2(work, got2, badMeta);
    assertThat(ab.exit()).as("aria2c must fail on the tampered mirror: " + ab.out()).isNotZero();
    assertThat(ab.out()).contains("Checksum error detected"); // found by the piece or file hash, not by chance
  }

  Cli.Result aria2(Path work, Path dir, Path meta) throws Exception {
    Path out = Files.createTempFile(work, "aria2", ".txt");
    Process p = new ProcessBuilder("aria2c", "--no-conf", "--dir", dir.toString(), "--metalink-file", meta.toString(),
        "--check-integrity=true", "--file-allocation=none", "--max-tries=2", "--retry-wait=1",
        "--console-log-level=warn", "--summary-interval=0", "--enable-color=false")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return new Cli.Result(-1, Files.readString(out), "");
    }
    return new Cli.Result(p.exitValue(), Files.readString(out), "");
  }

  /** Starts a web server on a free loopback port with {@code root} as its document root; returns its base URL. */
  String serve(Path root) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    Process p = new ProcessBuilder(python, "-m", "http.server", "--bind", "127.0.0.1", "--directory", root.toString(),
        Integer.toString(port)).redirectErrorStream(true).redirectOutput(tmp.resolve("http-" + port + ".log").toFile()).start();
    servers.add(p);
    for (int i = 0; i < 200; i++) {
      try (Socket c = new Socket()) {
        c.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return "http://127.0.0.1:" + port + "/";
      } catch (IOException e) {
        if (!p.isAlive()) {
          throw new IOException("web server exited: " + Files.readString(tmp.resolve("http-" + port + ".log")));
        }
        Thread.sleep(50);
      }
    }
    throw new IOException("web server on port " + port + " did not start");
  }

  static boolean onPath(String cmd) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, cmd))) {
        return true;
      }
    }
    return false;
  }
}
