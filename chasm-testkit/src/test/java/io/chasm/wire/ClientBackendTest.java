package io.chasm.wire;

import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.ClientBackend;
import io.chasm.wire.peer.PeerServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.testkit.InMemoryBackend;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A relay (peer) in front of an upstream (oracle) over a real Unix socket, as chasmd runs them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientBackendTest {
  private static final String REPO = "debian";
  private final InMemoryBackend upstream = new InMemoryBackend().putHead(REPO, bytes("head-1"));
  private final List<AutoCloseable> toClose = new ArrayList<>();
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private URI oracle() throws Exception {
    PeerServer s = closing(PeerServer.builder(upstream).anyoneMayAnnounce(true).build());
    return s.listen(URI.create("unix://" + dir.resolve("oracle.sock")));
  }

  @Test
  void relay_servesHeadsChunksAndPushesNewHeads() throws Exception {
    Hash chunk = upstream.putChunk(bytes("chunk bytes"));
    ClientBackend relay = closing(new ClientBackend(oracle(), ClientOptions.defaults()));
    PeerServer front = closing(PeerServer.builder(relay).build());
    relay.watch(List.of(REPO), front::publish);
    URI tcp = front.listen(URI.create("tcp://127.0.0.1:0"));

    PeerClient downstream = closing(PeerClient.connect(tcp));
    assertThat(PeerClient.await(downstream.head(REPO)).orElseThrow()).isEqualTo(bytes("head-1"));
    Map<Hash, byte[]> got = PeerClient.await(downstream.chunks(REPO, List.of(chunk)));
    assertThat(got.get(chunk)).isEqualTo(bytes("chunk bytes"));
    assertThat(PeerClient.await(downstream.head("other"))).isEmpty();

    List<String> pushed = new CopyOnWriteArrayList<>();
    downstream.subscribe(REPO, (r, env) -> pushed.add(new String(env, StandardCharsets.UTF_8)));
    await().atMost(Duration.ofSeconds(10)).until(() -> pushed.contains("head-1"));
    upstream.putHead(REPO, bytes("head-2"));
    // What a fetcher does after a sync: announce to the oracle, which pushes to the relay.
    try (PeerClient fetcher = PeerClient.connect(URI.create("unix://" + dir.resolve("oracle.sock")))) {
      PeerClient.await(fetcher.announce(REPO, bytes("head-2"), List.of()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pushed.contains("head-2"));
  }

  @Test
  void relay_refusesBytesThatDoNotMatchTheirId() throws Exception {
    Hash claimed = Hash.sha256(bytes("the real chunk"));
    upstream.putChunk(claimed, bytes("something else"));
    ClientBackend relay = closing(new ClientBackend(oracle(), ClientOptions.defaults()));
    try {
      relay.chunk(REPO, claimed);
      throw new AssertionError("relayed a chunk that does not match its id");
    } catch (HashMismatchException e) {
      assertThat(e.getMessage()).contains(claimed.toString());
    }
  }

  @Test
  void relay_downstreamMayNotAnnounce() throws Exception {
    ClientBackend relay = closing(new ClientBackend(oracle(), ClientOptions.defaults()));
    PeerServer front = closing(PeerServer.builder(relay).build());
    URI tcp = front.listen(URI.create("tcp://127.0.0.1:0"));
    PeerClient stranger = closing(PeerClient.connect(tcp));
    try {
      stranger.announce(REPO, bytes("forged"), List.of()).get(10, TimeUnit.SECONDS);
      throw new AssertionError("a stranger announced through the relay");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(PeerErrorException.class);
      assertThat(((PeerErrorException) e.getCause()).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
    }
    assertThat(relay.head(REPO).orElseThrow()).isEqualTo(bytes("head-1"));
  }

  @Test
  void relay_reconnectsAfterTheUpstreamRestarts() throws Exception {
    URI sock = URI.create("unix://" + dir.resolve("oracle.sock"));
    PeerServer first = PeerServer.builder(upstream).build();
    first.listen(sock);
    ClientBackend relay = closing(new ClientBackend(sock, ClientOptions.defaults()));
    assertThat(relay.head(REPO).orElseThrow()).isEqualTo(bytes("head-1"));
    first.close();
    assertThat(Files.exists(dir.resolve("oracle.sock"))).isFalse();
    try {
      relay.head(REPO);
      throw new AssertionError("no upstream, yet an answer");
    } catch (io.chasm.api.ChasmException expected) {
      // The outage is reported, not hidden.
    }
    closing(PeerServer.builder(upstream.putHead(REPO, bytes("head-3"))).build()).listen(sock);
    assertThat(relay.head(REPO).orElseThrow()).isEqualTo(bytes("head-3"));
  }
}
