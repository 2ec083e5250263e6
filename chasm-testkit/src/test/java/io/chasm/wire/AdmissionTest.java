package io.chasm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.Ticker;
import io.chasm.testkit.InMemoryBackend;
import io.chasm.testkit.RawConnection;
import io.chasm.testkit.RawFrames;
import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each admission limit of a real PeerServer over loopback sockets, with its deadlines on a clock
 * the test moves: nothing here waits for a deadline to pass in real time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdmissionTest {
  private static final String REPO = "debian";
  private final InMemoryBackend backend = new InMemoryBackend().putHead(REPO, "head".getBytes(StandardCharsets.UTF_8));
  private final AtomicLong now = new AtomicLong(5_000_000_000_000L);
  private final Ticker ticker = now::get;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private URI serve(PeerServer.Builder b) throws Exception {
    PeerServer s = b.ticker(ticker).build();
    toClose.add(s);
    this.server = s;
    return s.listen(URI.create("tcp://127.0.0.1:0"));
  }

  private PeerServer server;

  /** A plain socket from the loopback address 127.0.0.{@code last}. */
  private Socket from(int last, URI uri) throws Exception {
    Socket s = new Socket();
    toClose.add(s);
    s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last}), 0));
    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  /** Skips frames up to the Goodbye that must come, then expects the end of the stream. */
  private static Frame goodbye(Socket s) throws Exception {
    InputStream in = s.getInputStream();
    for (Frame f; (f = RawFrames.read(in, 1 << 20)) != null; ) {
      if (f.hasGoodbye()) {
        return f;
      }
    }
    throw new AssertionError("closed without a Goodbye");
  }

  private static void assertGoodbye(Socket s, String message) throws Exception {
    Frame f = goodbye(s);
    assertThat(f.getGoodbye().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(f.getGoodbye().getMessage()).startsWith(message);
  }

  private void handshake(Socket s) throws Exception {
    RawFrames.write(s.getOutputStream(), Frame.newBuilder().setHello(RawConnection.hello()).build());
    assertThat(RawFrames.read(s.getInputStream(), 1 << 20).hasWelcome()).isTrue();
    RawFrames.write(s.getOutputStream(), Frame.newBuilder().setAuth(Auth.getDefaultInstance()).build());
    assertThat(RawFrames.read(s.getInputStream(), 1 << 20).hasReady()).isTrue();
  }

  @Test
  void silentSocket_cutAtTheHandshakeDeadline_onTheServersClock() throws Exception {
    URI uri = serve(PeerServer.builder(backend));
    Socket s = from(1, uri);
    await().until(() -> server.connectionCount() == 1);
    advance(Duration.ofSeconds(9));
    Thread.sleep(1500); // the watchdog looks every second: it must find nothing overdue yet
    assertThat(server.connectionCount()).isEqualTo(1);
    advance(Duration.ofSeconds(2));
    assertGoodbye(s, "handshake not finished in 11.");
  }

  @Test
  void helloThenSilence_isAlsoHeldToTheHandshakeDeadline() throws Exception {
    URI uri = serve(PeerServer.builder(backend));
    Socket s = from(1, uri);
    RawFrames.write(s.getOutputStream(), Frame.newBuilder().setHello(RawConnection.hello()).build());
    assertThat(RawFrames.read(s.getInputStream(), 1 << 20).hasWelcome()).isTrue();
    advance(Duration.ofSeconds(11));
    assertGoodbye(s, "handshake not finished");
  }

  @Test
  void readyThenIdle_cutAfterTheIdleTimeout() throws Exception {
    URI uri = serve(PeerServer.builder(backend).serverLimits(ServerLimits.defaults().withIdleTimeout(Duration.ofMinutes(2))));
    Socket s = from(1, uri);
    handshake(s);
    advance(Duration.ofSeconds(121));
    assertGoodbye(s, "idle for 121.0 s");
  }

  @Test
  void oneByteOfAFrame_thenNothing_cutBelowTheFloorRate() throws Exception {
    URI uri = serve(PeerServer.builder(backend));
    Socket s = from(1, uri);
    handshake(s);
    s.getOutputStream().write(0);
    s.getOutputStream().flush();
    Thread.sleep(300); // the byte reaches the server before the clock moves
    advance(Duration.ofSeconds(11));
    assertGoodbye(s, "a frame of 4 bytes still arriving after 11.");
  }

  @Test
  void ninthFromOneAddress_refused_otherAddressStillServed() throws Exception {
    URI uri = serve(PeerServer.builder(backend));
    for (int i = 0; i < 8; i++) {
      from(7, uri);
    }
    Socket ninth = from(7, uri);
    assertGoodbye(ninth, "too many connections from 127.0.0.7 (limit 8)");
    try (PeerClient ok = PeerClient.connect(uri)) {
      assertThat(ok.head(REPO).get()).isPresent();
    }
    assertThat(server.refusedCount()).isEqualTo(1);
  }

  @Test
  void full_ofUnfinishedHandshakes_evictsTheOldest_forAnHonestClient() throws Exception {
    URI uri = serve(PeerServer.builder(backend).limits(WireLimits.defaults().withMaxConnections(4)));
    List<Socket> silent = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      silent.add(from(10 + i, uri));
      await().until(() -> server.connectionCount() == silent.size());
      advance(Duration.ofMillis(100));
    }
    try (PeerClient ok = PeerClient.connect(uri)) {
      assertThat(ok.head(REPO).get()).isPresent();
    }
    assertGoodbye(silent.get(0), "evicted for a new connection (server full)");
    assertThat(server.refusedCount()).isZero();
    assertThat(server.evictedCount()).isEqualTo(1);
  }

  @Test
  void full_ofBusyConnections_refusesTheNewcomer() throws Exception {
    URI uri = serve(PeerServer.builder(backend).limits(WireLimits.defaults().withMaxConnections(2)));
    List<PeerClient> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      PeerClient c = PeerClient.connect(uri);
      toClose.add(c);
      clients.add(c);
      // Idle for less than the eviction grace on the server's clock (which this test does not move).
      assertThat(c.head(REPO).get()).isPresent();
    }
    Socket late = from(20, uri);
    assertGoodbye(late, "too many connections, retry later");
    for (PeerClient c : clients) {
      assertThat(c.head(REPO).get()).isPresent();
    }
  }

  @Test
  void refusedSockets_leaveNothingBehind() throws Exception {
    URI uri = serve(PeerServer.builder(backend).serverLimits(ServerLimits.defaults().withMaxPerAddress(2)));
    for (int i = 0; i < 200; i++) {
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 1, 1}), 0));
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
      } catch (IOException e) {
        // A socket closed by the server while connecting counts as refused too.
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> server.connectionCount() == 0);
  }
}
