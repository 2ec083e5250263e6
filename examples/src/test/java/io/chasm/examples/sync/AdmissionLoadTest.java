package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.testkit.HostileCrowd;
import io.chasm.testkit.Trees;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, admission under load, with real processes: a {@code chasm serve} with its default
 * limits, 1,000 hostile sockets held against it (silent, one byte, Hello then silence, slow
 * readers; from 125 loopback addresses, reopened as soon as the server closes them), and a
 * {@code chasm sync} process that must still mirror the tree exactly.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AdmissionLoadTest {
  @TempDir Path work;

  @Test
  void chasmServe_underAThousandHostileSockets_servesAnHonestSync() throws Exception {
    Path key = work.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    Path origin = work.resolve("origin");
    Files.createDirectories(origin);
    Files.createDirectories(origin.resolve("pool"));
    for (int i = 0; i < 30; i++) {
      Files.write(origin.resolve("pool/f" + i + ".deb"), Trees.random(i, 50_000 + i * 7_000));
    }
    Files.write(origin.resolve("big.iso"), Trees.random(77, 3_000_000));
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString(), "--origin", "demo")).isZero();
    List<Hash> big = new Chunker().chunk(origin.resolve("big.iso")).stream().map(Chunk::id).toList();

    Process serve = Cli.command(work, "serve", origin.toString(), "--listen", "tcp://127.0.0.1:0")
        .redirectError(work.resolve("serve.err").toFile()).start();
    try {
      URI uri = listening(serve);
      Path dest = work.resolve("mirror");
      try (HostileCrowd crowd = HostileCrowd.open(uri, 1000, 8, "demo", big)) {
        Cli.Result r = Cli.run(work, Duration.ofSeconds(240),
            "sync", uri.toString(), dest.toString(), "--trust", key + ".pub", "--repo", "demo");
        assertThat(r.exit()).as("sync: %s%s", r.out(), r.err()).isZero();
        assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
        assertThat(crowd.opened()).isGreaterThanOrEqualTo(1000);
        assertThat(crowd.closedByServer() + crowd.failedToOpen()).as("the server was full and had to choose").isGreaterThan(0);
      }
    } finally {
      serve.destroy();
      if (!serve.waitFor(20, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    }
  }

  /** Reads the server's "listening on URI (...)" line. */
  private static URI listening(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("chasm serve's first line").startsWith("listening on ");
    return URI.create(line.substring("listening on ".length()).split(" ")[0]);
  }
}
