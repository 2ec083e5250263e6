package io.chasm.wire;

import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.PeerServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transports;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.testkit.HostileUpstream;
import io.chasm.testkit.HostileUpstream.Script;
import io.chasm.testkit.InMemoryBackend;
import io.chasm.testkit.RawConnection;
import io.chasm.testkit.RawIds;
import io.chasm.wire.proto.peer.Compression;
import io.chasm.wire.proto.peer.End;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.GetHead;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Subscribe;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Peers that break the rules, over real loopback sockets: each gets a typed, one-line answer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostilePeerTest {
  private static final String REPO = "debian";
  private final InMemoryBackend backend = new InMemoryBackend().putHead(REPO, "head".getBytes(StandardCharsets.UTF_8));
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    pool.shutdownNow();
  }

  private PeerServer server(PeerServer.Builder b) {
    PeerServer s = b.build();
    toClose.add(s);
    return s;
  }

  private URI serve(PeerServer s) throws Exception {
    return s.listen(URI.create("tcp://127.0.0.1:0"));
  }

  private RawConnection raw(URI uri) throws Exception {
    RawConnection r = RawConnection.connect(uri);
    toClose.add(r);
    return r;
  }

  private RawConnection ready(URI uri) throws Exception {
    RawConnection r = raw(uri);
    assertThat(r.handshake(null).hasReady()).isTrue();
    return r;
  }

  private static void assertGoodbye(Frame f, ErrorCode code, String message) {
    assertThat(f).isNotNull();
    assertThat(f.hasGoodbye()).as("goodbye expected, got %s", f.getBodyCase()).isTrue();
    assertThat(f.getGoodbye().getCode()).isEqualTo(code);
    assertThat(f.getGoodbye().getMessage()).contains(message);
  }

  private static void assertClosed(RawConnection r) {
    try {
      assertThat(r.read()).isNull();
    } catch (Exception e) {
      assertThat(e).isInstanceOfAny(IOException.class, ProtocolException.class);
    }
  }

  // ------------------------------------------------------------------ hostile clients

  @Test
  void client_oversizedFrame_isToldLimitAndCutOff_othersUnaffected() throws Exception {
    PeerServer s = server(PeerServer.builder(backend));
    URI uri = serve(s);
    RawConnection r = ready(uri);
    r.sendRaw(new byte[] {0x7f, -1, -1, -1}); // claims 2 GiB, sends nothing more
    assertGoodbye(r.read(), ErrorCode.LIMIT, "frame of 2147483647 bytes exceeds the limit of 262144");
    assertClosed(r);
    try (PeerClient ok = PeerClient.connect(uri)) {
      assertThat(ok.head(REPO).get()).isPresent();
    }
  }

  @Test
  void client_httpInsteadOfHello_isToldLimit() throws Exception {
    RawConnection r = raw(serve(server(PeerServer.builder(backend))));
    r.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertGoodbye(r.read(), ErrorCode.LIMIT, "frame of 1195725856 bytes");
  }

  @Test
  void client_malformedProtobuf_isToldBadRequest() throws Exception {
    RawConnection r = ready(serve(server(PeerServer.builder(backend))));
    r.sendRaw(new byte[] {0, 0, 0, 4, (byte) 0x2a, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertGoodbye(r.read(), ErrorCode.BAD_REQUEST, "malformed frame");
    assertClosed(r);
  }

  @Test
  void client_silentAfterConnect_isCutOffAfterHandshakeTimeout() throws Exception {
    PeerServer s = server(PeerServer.builder(backend).handshakeTimeout(Duration.ofMillis(300)));
    RawConnection r = raw(serve(s));
    await().atMost(Duration.ofSeconds(10)).until(() -> s.connectionCount() == 0);
    assertGoodbye(r.read(), ErrorCode.UNAVAILABLE, "handshake not finished in 0.");
    assertClosed(r);
  }

  @Test
  void client_endlessRequestsWithoutReading_isCutOffNotBuffered() throws Exception {
    byte[] big = new byte[1 << 20];
    new Random(3).nextBytes(big);
    Hash id = backend.putChunk(big);
    PeerServer s = server(PeerServer.builder(backend).writeTimeout(Duration.ofMillis(500)));
    RawConnection r = ready(serve(s));
    Request.Builder req = Request.newBuilder().setGetChunks(GetChunks.newBuilder().setRepository(REPO).addIds(RawIds.hash(id)));
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
      try {
        for (long i = 1; i <= 500; i++) {
          r.send(req.setId(i));
        }
      } catch (IOException e) {
        // Cut off while still sending: expected.
      }
    }, pool);
    await().atMost(Duration.ofSeconds(20)).until(() -> s.connectionCount() == 0);
    sending.get(20, TimeUnit.SECONDS);
  }

  @Test
  void client_tooManyIds_getsLimitErrorAndConnectionLives() throws Exception {
    RawConnection r = ready(serve(server(PeerServer.builder(backend).limits(WireLimits.defaults().withMaxIdsPerRequest(2)))));
    GetChunks.Builder g = GetChunks.newBuilder().setRepository(REPO);
    for (int i = 0; i < 3; i++) {
      g.addIds(RawIds.hash(Hash.sha256(new byte[] {(byte) i})));
    }
    r.send(Request.newBuilder().setId(5).setGetChunks(g));
    Reply reply = r.read().getReply();
    assertThat(reply.getRequestId()).isEqualTo(5);
    assertThat(reply.getError().getCode()).isEqualTo(ErrorCode.LIMIT);
    assertThat(reply.getError().getMessage()).isEqualTo("3 ids in one request exceed the limit of 2");
    r.send(Request.newBuilder().setId(6).setGetHead(GetHead.newBuilder().setRepository(REPO)));
    assertThat(r.read().getReply().hasHead()).isTrue();
  }

  @Test
  void client_badIdEncodingAndLongName_getTypedErrors() throws Exception {
    RawConnection r = ready(serve(server(PeerServer.builder(backend))));
    r.send(Request.newBuilder().setId(1).setGetChunks(GetChunks.newBuilder().setRepository(REPO).addIds(ByteString.copyFrom(new byte[] {1, 2, 3}))));
    Reply bad = r.read().getReply();
    assertThat(bad.getError().getCode()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(bad.getError().getMessage()).startsWith("bad chunk id: sha256 hash must be 33 bytes");
    r.send(Request.newBuilder().setId(2).setGetHead(GetHead.newBuilder().setRepository("x".repeat(300))));
    assertThat(r.read().getReply().getError().getCode()).isEqualTo(ErrorCode.LIMIT);
  }

  @Test
  void client_requestIdZero_isCutOff() throws Exception {
    RawConnection r = ready(serve(server(PeerServer.builder(backend))));
    r.send(Request.newBuilder().setId(0).setGetHead(GetHead.newBuilder().setRepository(REPO)));
    assertGoodbye(r.read(), ErrorCode.BAD_REQUEST, "request id 0 is reserved");
  }

  @Test
  void client_tooManySubscriptions_getsLimit() throws Exception {
    RawConnection r = ready(serve(server(PeerServer.builder(backend).limits(WireLimits.defaults().withMaxOutstanding(2)))));
    for (long i = 1; i <= 3; i++) {
      r.send(Request.newBuilder().setId(i).setSubscribe(Subscribe.newBuilder().setRepository(REPO)));
    }
    assertThat(r.read().getReply().hasHead()).isTrue();
    assertThat(r.read().getReply().hasHead()).isTrue();
    Reply third = r.read().getReply();
    assertThat(third.getRequestId()).isEqualTo(3);
    assertThat(third.getError().getCode()).isEqualTo(ErrorCode.LIMIT);
  }

  @Test
  void client_unsupportedVersion_isToldSo() throws Exception {
    RawConnection r = raw(serve(server(PeerServer.builder(backend))));
    r.send(Frame.newBuilder().setHello(RawConnection.hello().setMinVersion(2).setMaxVersion(3)).build());
    assertGoodbye(r.read(), ErrorCode.UNSUPPORTED_VERSION, "speaks version 1");
  }

  @Test
  void client_proofBySomeoneElse_isBadProof() throws Exception {
    RawConnection r = raw(serve(server(PeerServer.builder(backend))));
    Hello hello = RawConnection.hello().setNodeKey(RawIds.key(Ed25519.generate().publicKey())).build();
    r.send(Frame.newBuilder().setHello(hello).build());
    assertThat(r.read().hasWelcome()).isTrue();
    r.send(Frame.newBuilder().setAuth(io.chasm.wire.proto.peer.Auth.newBuilder()
        .setProof(ByteString.copyFrom(Ed25519.generate().sign(new byte[] {1})))).build());
    assertGoodbye(r.read(), ErrorCode.BAD_PROOF, "client proof does not verify");
  }

  // ------------------------------------------------------------------ hostile servers

  /** A server that does a correct handshake, then answers the first request with {@code script}. */
  private URI fakeServer(Script script) throws Exception {
    HostileUpstream h = HostileUpstream.scripted(script);
    toClose.add(h);
    return h.uri();
  }

  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  private static Frame item(long id, ByteString chunkId, Item.Builder item) {
    return Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(id).setItem(item.setId(chunkId))).build();
  }

  private final Hash chunk = Hash.sha256("chunk".getBytes(StandardCharsets.UTF_8));

  @Test
  void server_oversizedFrame_failsRequestsWithLimitExceeded() throws Exception {
    URI uri = fakeServer((s, req) -> s.sendRaw(new byte[] {0x40, 0, 0, 0}));
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.chunks(REPO, List.of(chunk)))).isInstanceOf(LimitExceededException.class)
          .hasMessage("frame of 1073741824 bytes exceeds the limit of 16777216");
      assertThat(c.isOpen()).isFalse();
    }
  }

  @Test
  void server_endlessItems_isProtocolError() throws Exception {
    URI uri = fakeServer((s, req) -> {
      byte[] data = "chunk".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 1000; i++) {
        s.send(item(req.getId(), req.getGetChunks().getIds(0), Item.newBuilder().setData(ByteString.copyFrom(data)).setRawSize(data.length)));
      }
    });
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.chunks(REPO, List.of(chunk)))).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("sent more chunks than the 1 asked for");
    }
  }

  @Test
  void server_malformedProtobuf_isProtocolError() throws Exception {
    URI uri = fakeServer((s, req) -> s.sendRaw(new byte[] {0, 0, 0, 2, (byte) 0x32, (byte) 0x7f}));
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.head(REPO))).isInstanceOf(ProtocolException.class).hasMessageStartingWith("malformed frame: ");
    }
  }

  @Test
  void server_replyToUnknownRequest_isProtocolError() throws Exception {
    URI uri = fakeServer((s, req) -> s.send(Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(999).setEnd(End.getDefaultInstance())).build()));
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.head(REPO))).isInstanceOf(ProtocolException.class).hasMessageContaining("request 999, which is not outstanding");
    }
  }

  @Test
  void server_zstdBombClaim_isLimitExceeded() throws Exception {
    URI uri = fakeServer((s, req) -> {
      byte[] zeros = Zstd.compress(new byte[1 << 20], 3);
      s.send(item(req.getId(), req.getGetChunks().getIds(0), Item.newBuilder()
          .setData(UnsafeByteOperations.unsafeWrap(zeros)).setCompression(Compression.ZSTD).setRawSize(Integer.MAX_VALUE)));
    });
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.chunks(REPO, List.of(chunk)))).isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("claims 2147483647 bytes");
    }
  }

  @Test
  void server_zstdLyingAboutSize_isCorrupt() throws Exception {
    URI uri = fakeServer((s, req) -> {
      byte[] packed = Zstd.compress(new byte[5000], 3);
      s.send(item(req.getId(), req.getGetChunks().getIds(0), Item.newBuilder()
          .setData(UnsafeByteOperations.unsafeWrap(packed)).setCompression(Compression.ZSTD).setRawSize(100)));
    });
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.chunks(REPO, List.of(chunk)))).isInstanceOf(CorruptObjectException.class)
          .hasMessageStartingWith("compressed chunk");
    }
  }

  /** The chunk "chunk": the client offers "ch" as held, a hostile server sends a wrong rest. */
  @Test
  void server_wrongRestAfterPrefix_isHashMismatch() throws Exception {
    URI uri = fakeServer((s, req) -> {
      assertThat(req.getGetChunks().getPrefixesList()).singleElement().satisfies(p -> assertThat(p.getLength()).isEqualTo(2));
      byte[] rest = "UNK".getBytes(StandardCharsets.UTF_8);
      s.send(item(req.getId(), req.getGetChunks().getIds(0), Item.newBuilder().setPrefixLength(2)
          .setData(ByteString.copyFrom(rest)).setRawSize(rest.length)));
    });
    byte[] prefix = "ch".getBytes(StandardCharsets.UTF_8);
    try (PeerClient c = PeerClient.connect(uri)) {
      List<Hash> got = new ArrayList<>();
      assertThat(failure(c.chunks(REPO, List.of(chunk), id -> prefix, (id, d) -> got.add(id))))
          .isInstanceOf(HashMismatchException.class).hasMessageContaining(chunk.toString());
      assertThat(got).isEmpty();
    }
  }

  @Test
  void server_restAfterPrefixNotOffered_isProtocolError() throws Exception {
    URI uri = fakeServer((s, req) -> {
      byte[] rest = "unk".getBytes(StandardCharsets.UTF_8);
      s.send(item(req.getId(), req.getGetChunks().getIds(0), Item.newBuilder().setPrefixLength(2)
          .setData(ByteString.copyFrom(rest)).setRawSize(rest.length)));
    });
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.chunks(REPO, List.of(chunk)))).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("was not offered");
    }
  }

  @Test
  void server_partialObject_isProtocolError() throws Exception {
    ObjectId tree = ObjectId.tree(Hash.sha256(new byte[] {1}));
    URI uri = fakeServer((s, req) -> s.send(item(req.getId(), req.getGetObjects().getIds(0),
        Item.newBuilder().setPrefixLength(1).setData(ByteString.copyFrom(new byte[] {1})).setRawSize(1))));
    try (PeerClient c = PeerClient.connect(uri)) {
      assertThat(failure(c.objects(REPO, List.of(tree)))).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("partial object");
    }
  }

  @Test
  void server_silentAfterHandshake_requestFailsAfterStallTimeout() throws Exception {
    URI uri = fakeServer((s, req) -> {});
    try (PeerClient c = PeerClient.connect(uri, ClientOptions.defaults().withStallTimeout(Duration.ofMillis(300)))) {
      assertThat(failure(c.head(REPO))).isInstanceOf(TransportException.class).hasMessageContaining("stopped answering");
    }
  }

  @Test
  void quietSubscription_isNotAStall() throws Exception {
    PeerServer s = server(PeerServer.builder(backend));
    try (PeerClient c = PeerClient.connect(serve(s), ClientOptions.defaults().withStallTimeout(Duration.ofMillis(200)))) {
      c.subscribe("nothing-published-here", (r, e) -> {});
      Thread.sleep(1000); // five stall periods with only the subscription outstanding
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void server_neverAnswersHello_handshakeTimesOut() throws Exception {
    Listener l = Transports.listen(URI.create("tcp://127.0.0.1:0"));
    toClose.add(l);
    pool.submit(() -> {
      toClose.add(l.accept());
      return null;
    });
    assertThatThrownBy(() -> PeerClient.connect(l.uri(), ClientOptions.defaults().withHandshakeTimeout(Duration.ofMillis(300))))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("timed out");
  }
}
