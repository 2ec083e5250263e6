package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.testkit.RawFrames;
import io.chasm.testkit.Trees;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admission flags of {@code chasm serve} reach the server, and a bad value is one line and exit 2. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeAdmissionFlagsTest {
  @TempDir Path work;

  private Path published() throws Exception {
    Path key = work.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    Path origin = work.resolve("origin");
    Trees.write(origin.resolve("README"), "hello\n");
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString(), "--origin", "demo")).isZero();
    return origin;
  }

  @Test
  void maxPerAddressZero_isOneLineAndExit2() throws Exception {
    Cli.Result r = Cli.run(work, Duration.ofSeconds(60), "serve", published().toString(),
        "--listen", "tcp://127.0.0.1:0", "--max-per-address", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("chasm: --max-per-address must be at least 1, got 0");
  }

  @Test
  void maxPerAddress_refusesTheThirdFromOneAddress() throws Exception {
    Process serve = Cli.command(work, "serve", published().toString(), "--listen", "tcp://127.0.0.1:0",
            "--max-per-address", "2", "--handshake-timeout", "60s")
        .redirectError(work.resolve("serve.err").toFile()).start();
    List<Socket> sockets = new ArrayList<>();
    try {
      String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(line).startsWith("listening on ");
      URI uri = URI.create(line.substring("listening on ".length()).split(" ")[0]);
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 9}), 0));
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        s.setSoTimeout(30_000);
      }
      Frame f = RawFrames.read(sockets.get(2).getInputStream(), 1 << 20);
      assertThat(f.getGoodbye().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(f.getGoodbye().getMessage()).isEqualTo("too many connections from 127.0.0.9 (limit 2)");
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      serve.destroy();
      if (!serve.waitFor(20, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    }
  }
}
