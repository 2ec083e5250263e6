package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import io.chasm.testkit.Trees;
import io.chasm.testkit.RawFrames;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Goodbye;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chasm sync} against a real {@code chasm serve} behind a door that answers
 * {@code Goodbye{UNAVAILABLE}} while it is "busy" (as a full server does) and relays the
 * connection to the server otherwise: with retries the sync waits, says so in one line, and
 * completes once the door opens; without them it exits 2 with the server's reason. Synchronised on
 * what the sync prints, never on time.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SyncRetryTest {
  @TempDir Path work;
  private Path origin;
  private Path key;
  private Process serve;
  private BusyDoor door;

  @BeforeEach
  void serveBehindABusyDoor() throws Exception {
    key = work.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    origin = work.resolve("origin");
    Trees.write(origin.resolve("README"), "hello\n");
    Trees.write(origin.resolve("pool/a.deb"), "a".repeat(100_000));
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString(), "--origin", "demo")).isZero();
    serve = Cli.command(work, "serve", origin.toString(), "--listen", "tcp://127.0.0.1:0")
        .redirectError(work.resolve("serve.err").toFile()).start();
    String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(line).startsWith("listening on ");
    URI uri = URI.create(line.substring("listening on ".length()).split(" ")[0]);
    door = new BusyDoor(new InetSocketAddress(uri.getHost(), uri.getPort()));
  }

  @AfterEach
  void stop() throws Exception {
    door.close();
    serve.destroy();
    if (!serve.waitFor(20, TimeUnit.SECONDS)) {
      serve.destroyForcibly().waitFor();
    }
  }

  @Test
  void refusedWhileBusy_waitsAndRetries_thenSyncs() throws Exception {
    Path dest = work.resolve("mirror");
    Process sync = Cli.command(work, "sync", door.uri(), dest.toString(), "--trust", key + ".pub", "--repo", "demo",
        "--retries", "6", "--retry-wait", "1s").redirectOutput(work.resolve("sync.out").toFile()).start();
    List<String> err = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(sync.getErrorStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      err.add(line);
      if (line.contains("trying again in")) {
        break;
      }
    }
    assertThat(err).as("the sync's stderr while the door was busy").isNotEmpty();
    assertThat(err.get(err.size() - 1)).startsWith("chasm: ").contains("UNAVAILABLE: " + BusyDoor.REASON)
        .containsPattern("trying again in \\d+\\.\\d s \\(retry 1 of 6\\)$");
    door.open();
    for (String line; (line = r.readLine()) != null; ) {
      err.add(line);
    }
    assertThat(sync.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(sync.exitValue()).as(String.join("\n", err)).isZero();
    assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
    assertThat(door.refused()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void refusedWithoutRetries_exitsTwo_withTheServersReasonOnOneLine() throws Exception {
    Cli.Result r = Cli.run(work, Duration.ofSeconds(120), "sync", door.uri(), work.resolve("mirror").toString(),
        "--trust", key + ".pub", "--repo", "demo", "--retries", "0");
    assertThat(r.exit()).isEqualTo(ExitCodes.ERROR);
    assertThat(r.err().strip()).doesNotContain("\n").startsWith("chasm: ").contains("UNAVAILABLE: " + BusyDoor.REASON)
        .doesNotContain("trying again");
    assertThat(door.refused()).isEqualTo(1);
  }

  @Test
  void negativeRetries_isAUsageError() throws Exception {
    Cli.Result r = Cli.run(work, Duration.ofSeconds(60), "sync", door.uri(), work.resolve("mirror").toString(),
        "--trust", key + ".pub", "--retries", "-1");
    assertThat(r.exit()).isEqualTo(ExitCodes.ERROR);
    assertThat(r.err().lines().findFirst()).hasValue("--retries must be 0 or more, not -1");
  }

  /** A TCP front: refuses as a full server does while busy, then relays to the real server. */
  private static final class BusyDoor implements AutoCloseable {
    static final String REASON = "server busy (test door)";
    private final ServerSocket listener;
    private final InetSocketAddress server;
    private final AtomicBoolean busy = new AtomicBoolean(true);
    private final AtomicInteger refused = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    BusyDoor(InetSocketAddress server) throws IOException {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.server = server;
      threads.submit(this::acceptLoop);
    }

    String uri() {
      return "tcp://127.0.0.1:" + listener.getLocalPort();
    }

    void open() {
      busy.set(false);
    }

    int refused() {
      return refused.get();
    }

    private Void acceptLoop() throws IOException {
      while (!listener.isClosed()) {
        Socket c;
        try {
          c = listener.accept();
        } catch (IOException closed) {
          return null;
        }
        threads.submit(() -> busy.get() ? refuse(c) : relay(c));
      }
      return null;
    }

    /** Reads the client's Hello, answers Goodbye{UNAVAILABLE}, and closes once the client has. */
    private Void refuse(Socket c) throws Exception {
      try (c) {
        RawFrames.read(c.getInputStream(), 1 << 20);
        RawFrames.write(c.getOutputStream(), Frame.newBuilder()
            .setGoodbye(Goodbye.newBuilder().setCode(ErrorCode.UNAVAILABLE).setMessage(REASON)).build());
        refused.incrementAndGet();
        c.shutdownOutput();
        c.getInputStream().transferTo(OutputStream.nullOutputStream());
      }
      return null;
    }

    private Void relay(Socket c) throws IOException {
      try (c; Socket s = new Socket(server.getAddress(), server.getPort())) {
        Future<?> up = threads.submit(() -> copy(c, s));
        copy(s, c);
        up.get(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        // one side went away: the sync sees it as a lost connection
      }
      return null;
    }

    private static Void copy(Socket from, Socket to) throws IOException {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
      } finally {
        to.shutdownOutput();
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      listener.close();
      threads.shutdownNow();
    }
  }
}
