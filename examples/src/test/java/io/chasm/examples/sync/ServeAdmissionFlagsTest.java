package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.chasmd.DaemonProcess;
import io.chasm.examples.config.AdmissionSettings;
import io.chasm.examples.config.ConfigKeys;
import io.chasm.examples.config.ValueChecks;
import io.chasm.testkit.RawFrames;
import io.chasm.testkit.Trees;
import io.chasm.wire.ServerLimits;
import io.chasm.wire.WireLimits;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission limits reach the server: {@code chasm serve}'s flags, the config file's {@code peer.*}
 * keys (flags override them) and chasmd's peer role; a bad value is one line and exit 2.
 */
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
    try {
      String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(line).startsWith("listening on ");
      assertThirdFromOneAddressRefused(URI.create(line.substring("listening on ".length()).split(" ")[0]), 2);
    } finally {
      stop(serve);
    }
  }

  @Test
  void configFileKeys_reachChasmServe_andItsFlagsOverrideThem() throws Exception {
    Path conf = work.resolve("node.conf");
    Files.writeString(conf, "peer.max-per-address = 2\npeer.handshake-timeout = 60s\npeer.max-connections = 64\n");
    Path tree = published();
    for (String[] extra : List.of(new String[0], new String[] {"--max-per-address", "3"})) {
      List<String> args = new ArrayList<>(List.of("serve", tree.toString(), "--config", conf.toString(), "--listen",
          "tcp://127.0.0.1:0"));
      args.addAll(List.of(extra));
      Process serve = Cli.command(work, args.toArray(String[]::new)).redirectError(work.resolve("serve.err").toFile()).start();
      try {
        String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("chasm serve's first line").startsWith("listening on ");
        assertThirdFromOneAddressRefused(URI.create(line.substring("listening on ".length()).split(" ")[0]),
            extra.length == 0 ? 2 : 3);
      } finally {
        stop(serve);
      }
    }
  }

  @Test
  void configKeys_reachChasmdsPeerRole() throws Exception {
    Path tree = published();
    try (DaemonProcess d = DaemonProcess.start("node", work.resolve("logs"), Duration.ofSeconds(60),
        List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "--all", "--tree", tree.toString(),
        "--listen", "tcp://127.0.0.1:0", "--set", "oracle.poll=off", "--set", "peer.max-per-address=2",
        "--set", "peer.handshake-timeout=60s")) {
      assertThirdFromOneAddressRefused(URI.create(d.peerUri()), 2);
    }
  }

  @Test
  void badConfigValue_isOneLineNamingTheKey_andExit2() throws Exception {
    Path conf = work.resolve("node.conf");
    Files.writeString(conf, "peer.max-per-address = 0\n");
    Cli.Result r = Cli.run(work, Duration.ofSeconds(60), "serve", published().toString(), "--config", conf.toString(),
        "--listen", "tcp://127.0.0.1:0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).doesNotContain("\n").contains(conf + ":1").contains("peer.max-per-address must be at least 1, got 0");
  }

  @Test
  void theKeysDefaults_areTheLibrarysDefaults() {
    ServerLimits d = ServerLimits.defaults();
    assertThat(defaultOf(AdmissionSettings.MAX_CONNECTIONS)).isEqualTo(String.valueOf(WireLimits.defaults().maxConnections()));
    assertThat(defaultOf(AdmissionSettings.MAX_PER_ADDRESS)).isEqualTo(String.valueOf(d.maxPerAddress()));
    assertThat(defaultOf(AdmissionSettings.MIN_RECEIVE_RATE)).isEqualTo(String.valueOf(d.minReceiveRate()));
    assertThat(ValueChecks.duration("k", defaultOf(AdmissionSettings.HANDSHAKE_TIMEOUT))).isEqualTo(d.handshakeTimeout());
    assertThat(ValueChecks.duration("k", defaultOf(AdmissionSettings.IDLE_TIMEOUT))).isEqualTo(d.idleTimeout());
  }

  private static String defaultOf(String key) {
    return ConfigKeys.find(key).orElseThrow().defaultValue();
  }

  /** Opens {@code limit + 1} connections from 127.0.0.9 (this host's 127.0.0.1 is exempt); the last is refused. */
  private static void assertThirdFromOneAddressRefused(URI uri, int limit) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i <= limit; i++) {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 9}), 0));
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        s.setSoTimeout(30_000);
      }
      Frame f = RawFrames.read(sockets.get(limit).getInputStream(), 1 << 20);
      assertThat(f.getGoodbye().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(f.getGoodbye().getMessage()).isEqualTo("too many connections from 127.0.0.9 (limit " + limit + ")");
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  private static void stop(Process serve) throws InterruptedException {
    serve.destroy();
    if (!serve.waitFor(20, TimeUnit.SECONDS)) {
      serve.destroyForcibly().waitFor();
    }
  }
}
