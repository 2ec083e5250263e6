package io.chasm.wire;

import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.PeerChunkSource;
import io.chasm.wire.peer.PeerServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.SignatureException;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.testkit.InMemoryBackend;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerProtocolTest {
  private static final String REPO = "debian";
  private final InMemoryBackend backend = new InMemoryBackend().putHead(REPO, bytes("head-1"));
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private URI serve(PeerServer.Builder b) throws Exception {
    PeerServer s = b.build();
    toClose.add(s);
    return s.listen(URI.create("tcp://127.0.0.1:0"));
  }

  private URI serve() throws Exception {
    return serve(PeerServer.builder(backend));
  }

  private PeerClient client(URI uri, ClientOptions o) throws Exception {
    PeerClient c = PeerClient.connect(uri, o);
    toClose.add(c);
    return c;
  }

  private PeerClient client(URI uri) throws Exception {
    return client(uri, ClientOptions.defaults());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("future succeeded");
  }

  @Test
  void head_ofHeldRepository_isTheEnvelope() throws Exception {
    PeerClient c = client(serve());
    assertThat(c.head(REPO).get()).hasValueSatisfying(h -> assertThat(h).isEqualTo(bytes("head-1")));
    assertThat(c.head("nope").get()).isEmpty();
    assertThat(c.capabilities()).containsExactlyInAnyOrderElementsOf(Capabilities.ALL);
    assertThat(c.permissions()).containsExactly(Permission.READ);
    assertThat(c.serverKey()).isEmpty();
  }

  @Test
  void objects_presentAndMissing_inRequestOrder() throws Exception {
    ObjectId a = ObjectId.tree(Hash.sha256(bytes("a")));
    ObjectId b = ObjectId.file(Hash.sha256(bytes("b")));
    ObjectId missing = ObjectId.tree(Hash.sha256(bytes("zz")));
    backend.putObject(a, bytes("tree a")).putObject(b, bytes("file b"));
    PeerClient c = client(serve(), ClientOptions.defaults().withObjectVerifier(ObjectVerifier.NONE));
    Map<ObjectId, byte[]> got = c.objects(REPO, List.of(b, missing, a)).get();
    assertThat(got.keySet()).containsExactly(b, a);
    assertThat(got.get(a)).isEqualTo(bytes("tree a"));
  }

  @Test
  void objects_byDefault_realTreesPassAndTamperedOnesFail() throws Exception {
    Tree tree = Tree.of(List.of(TreeEntry.symlink("latest", "pool/a.deb")));
    Tree other = Tree.of(List.of(TreeEntry.symlink("latest", "pool/b.deb")));
    backend.putObject(tree.id(), tree.encode()).putObject(other.id(), tree.encode());
    PeerClient c = client(serve());
    assertThat(c.objects(REPO, List.of(tree.id())).get().get(tree.id())).isEqualTo(tree.encode());
    assertThat(cause(c.objects(REPO, List.of(other.id())))).isInstanceOf(HashMismatchException.class)
        .hasMessageContaining(other.id().toString());
  }

  @Test
  void objects_verifierRejects_failsTheFetch() throws Exception {
    ObjectId a = ObjectId.tree(Hash.sha256(bytes("a")));
    backend.putObject(a, bytes("not what a hashes to"));
    PeerClient c = client(serve(), ClientOptions.defaults().withObjectVerifier((id, data) -> {
      throw new HashMismatchException("object " + id + " does not match");
    }));
    assertThat(cause(c.objects(REPO, List.of(a)))).isInstanceOf(HashMismatchException.class).hasMessageContaining(a.toString());
    assertThat(c.head(REPO).get()).isPresent(); // the connection stays usable
  }

  @Test
  void chunks_manyAcrossSeveralRequests_allVerifiedInOrder() throws Exception {
    Random rnd = new Random(1);
    List<Hash> ids = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      byte[] data = new byte[100 + rnd.nextInt(2000)];
      rnd.nextBytes(data);
      ids.add(backend.putChunk(data));
    }
    Hash absent = Hash.sha256(bytes("absent"));
    ids.add(1000, absent);
    PeerClient c = client(serve(PeerServer.builder(backend).limits(WireLimits.defaults().withMaxIdsPerRequest(300))));
    List<Hash> order = new ArrayList<>();
    ChunkFetch f = c.chunks(REPO, ids, (id, data) -> order.add(id)).get();
    assertThat(f.missing()).containsExactly(absent);
    assertThat(f.delivered()).isEqualTo(2500);
    List<Hash> expected = new ArrayList<>(ids);
    expected.remove(absent);
    assertThat(order).isEqualTo(expected);
  }

  @Test
  void chunks_compressible_travelZstdAndArriveIntact() throws Exception {
    byte[] text = bytes("Package: libc6\nVersion: 2.36\n".repeat(4000));
    Hash id = backend.putChunk(text);
    PeerClient c = client(serve());
    byte[][] got = new byte[1][];
    ChunkFetch f = c.chunks(REPO, List.of(id), (h, d) -> got[0] = d).get();
    assertThat(got[0]).isEqualTo(text);
    assertThat(f.wireBytes()).isLessThan(text.length / 10);
    assertThat(f.rawBytes()).isEqualTo(text.length);
  }

  @Test
  void chunks_withoutZstd_travelRaw() throws Exception {
    byte[] text = bytes("x".repeat(10000));
    Hash id = backend.putChunk(text);
    PeerClient c = client(serve(), ClientOptions.defaults().withZstd(false));
    ChunkFetch f = c.chunks(REPO, List.of(id), (h, d) -> {}).get();
    assertThat(f.wireBytes()).isEqualTo(text.length);
  }

  @Test
  void chunks_askedUncompressed_travelRawThoughZstdWasNegotiated() throws Exception {
    byte[] text = bytes("x".repeat(10000));
    Hash id = backend.putChunk(text);
    PeerClient c = client(serve());
    byte[][] got = new byte[1][];
    ChunkFetch f = c.chunks(REPO, List.of(id), h -> null, (h, d) -> got[0] = d, false).get();
    assertThat(got[0]).isEqualTo(text);
    assertThat(f.wireBytes()).isEqualTo(text.length);
  }

  @Test
  void chunks_withHeldPrefix_onlyTheRestTravels_wrongPrefixGetsWholeChunk() throws Exception {
    Random r = new Random(7);
    byte[] old = new byte[20000];
    r.nextBytes(old); // incompressible, so wire bytes are raw bytes
    byte[] appended = java.util.Arrays.copyOf(old, old.length + 30);
    byte[] other = new byte[5000];
    r.nextBytes(other);
    Hash a = backend.putChunk(appended);
    Hash b = backend.putChunk(other);
    PeerClient c = client(serve());
    Map<Hash, byte[]> got = new java.util.HashMap<>();
    byte[] wrong = "not the start of chunk b".getBytes(StandardCharsets.UTF_8);
    ChunkFetch f = c.chunks(REPO, List.of(a, b), id -> id.equals(a) ? old : wrong, got::put).get();
    assertThat(got.get(a)).isEqualTo(appended);
    assertThat(got.get(b)).isEqualTo(other);
    assertThat(f.wireBytes()).isEqualTo(30 + other.length);
    assertThat(f.rawBytes()).isEqualTo(appended.length + other.length);
  }

  @Test
  void chunks_wrongBytesFromServer_hashMismatchNamingTheChunk() throws Exception {
    Hash good = backend.putChunk(bytes("good"));
    Hash lied = Hash.sha256(bytes("the real content"));
    backend.putChunk(lied, bytes("tampered content"));
    PeerClient c = client(serve());
    List<Hash> delivered = new CopyOnWriteArrayList<>();
    Throwable t = cause(c.chunks(REPO, List.of(good, lied), (id, d) -> delivered.add(id)));
    assertThat(t).isInstanceOf(HashMismatchException.class).hasMessageContaining("chunk " + lied);
    assertThat(delivered).containsExactly(good);
  }

  @Test
  void pipelined_concurrentRequestsFromManyThreads_allAnswered() throws Exception {
    List<Hash> ids = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      ids.add(backend.putChunk(bytes("chunk " + i)));
    }
    PeerClient c = client(serve(PeerServer.builder(backend).limits(WireLimits.defaults().withMaxOutstanding(4))));
    List<CompletableFuture<?>> all = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 40; i++) {
          synchronized (all) {
            all.add(c.head(REPO));
            all.add(c.chunks(REPO, ids.subList(i, i + 20)));
          }
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get();
    assertThat(all).hasSize(480);
  }

  @Test
  void subscribe_getsCurrentHeadThenEveryPublishedOne() throws Exception {
    PeerServer server = PeerServer.builder(backend).build();
    toClose.add(server);
    URI uri = server.listen(URI.create("tcp://127.0.0.1:0"));
    PeerClient c = client(uri);
    List<String> heads = new CopyOnWriteArrayList<>();
    List<Object> ends = new CopyOnWriteArrayList<>();
    Subscription s = c.subscribe(REPO, new HeadListener() {
      @Override
      public void onHead(String repository, byte[] envelope) {
        heads.add(new String(envelope, StandardCharsets.UTF_8));
      }

      @Override
      public void onEnd(Throwable cause) {
        ends.add(cause == null ? "cancelled" : cause);
      }
    });
    await().until(() -> heads.size() == 1);
    server.publish(REPO); // unchanged: not sent again
    backend.putHead(REPO, bytes("head-2"));
    server.publish(REPO);
    await().until(() -> heads.size() == 2);
    assertThat(heads).containsExactly("head-1", "head-2");
    s.close();
    await().until(() -> ends.size() == 1);
    assertThat(ends).containsExactly("cancelled");
    await().until(() -> server.subscriptionCount() == 0);
  }

  @Test
  void announce_withoutPermission_isUnauthorized() throws Exception {
    PeerClient c = client(serve());
    Throwable t = cause(c.announce(REPO, bytes("head-2"), List.of()));
    assertThat(t).isInstanceOf(PeerErrorException.class);
    assertThat(((PeerErrorException) t).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  @Test
  void announce_byAnnouncer_updatesHeadAndPushesToSubscribers() throws Exception {
    Ed25519Signer fetcher = Ed25519.generate();
    URI uri = serve(PeerServer.builder(backend).announcers(List.of(fetcher.publicKey())));
    PeerClient watcher = client(uri);
    List<String> heads = new CopyOnWriteArrayList<>();
    watcher.subscribe(REPO, (r, e) -> heads.add(new String(e, StandardCharsets.UTF_8)));
    await().until(() -> heads.size() == 1);
    PeerClient announcer = client(uri, ClientOptions.defaults().withIdentity(fetcher));
    assertThat(announcer.permissions()).contains(Permission.ANNOUNCE);
    announcer.announce(REPO, bytes("head-2"), List.of("tcp://mirror.example:7000")).get();
    await().until(() -> heads.size() == 2);
    assertThat(heads.get(1)).isEqualTo("head-2");
    assertThat(watcher.peers(REPO, null).get()).containsExactly("tcp://mirror.example:7000");
  }

  @Test
  void handshake_serverProvesItsKey_andWrongExpectedKeyIsRefused() throws Exception {
    Ed25519Signer serverKey = Ed25519.generate();
    URI uri = serve(PeerServer.builder(backend).identity(serverKey));
    PeerClient ok = client(uri, ClientOptions.defaults().withExpectedServerKey(serverKey.publicKey()));
    assertThat(ok.serverKey()).contains(serverKey.publicKey());
    assertThatThrownBy(() -> PeerClient.connect(uri, ClientOptions.defaults().withExpectedServerKey(Ed25519.generate().publicKey())))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("expected key");
  }

  @Test
  void handshake_allowlist_admitsOnlyListedProvenKeys() throws Exception {
    Ed25519Signer friend = Ed25519.generate();
    URI uri = serve(PeerServer.builder(backend).allowlist(List.of(friend.publicKey())));
    assertThat(client(uri, ClientOptions.defaults().withIdentity(friend)).head(REPO).get()).isPresent();
    assertThatThrownBy(() -> PeerClient.connect(uri))
        .isInstanceOfSatisfying(PeerErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    assertThatThrownBy(() -> PeerClient.connect(uri, ClientOptions.defaults().withIdentity(Ed25519.generate())))
        .isInstanceOfSatisfying(PeerErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED))
        .hasMessageContaining("not on this server's allowlist");
  }

  @Test
  void connectionLimit_extraConnectionIsToldUnavailable() throws Exception {
    URI uri = serve(PeerServer.builder(backend).limits(WireLimits.defaults().withMaxConnections(1)));
    PeerClient first = client(uri);
    assertThatThrownBy(() -> PeerClient.connect(uri))
        .isInstanceOfSatisfying(PeerErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(first.head(REPO).get()).isPresent();
  }

  @Test
  void serverClose_endsSubscriptionsAndFailsTheClient() throws Exception {
    PeerServer server = PeerServer.builder(backend).build();
    URI uri = server.listen(URI.create("tcp://127.0.0.1:0"));
    PeerClient c = client(uri);
    List<Throwable> ends = new CopyOnWriteArrayList<>();
    c.subscribe(REPO, new HeadListener() {
      @Override
      public void onHead(String repository, byte[] envelope) {}

      @Override
      public void onEnd(Throwable cause) {
        ends.add(cause);
      }
    });
    await().until(() -> server.subscriptionCount() == 1);
    server.close();
    await().until(() -> ends.size() == 1);
    assertThat(ends.get(0)).isInstanceOfSatisfying(PeerErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(c.isOpen()).isFalse();
    assertThat(cause(c.head(REPO))).isInstanceOf(PeerErrorException.class);
  }

  @Test
  void peerChunkSource_readsVerifiedChunkOrNotHeld() throws Exception {
    Hash id = backend.putChunk(bytes("via chunk source"));
    Hash other = Hash.sha256(bytes("other"));
    PeerClient c = client(serve());
    Map<Hash, byte[]> got = new java.util.concurrent.ConcurrentHashMap<>();
    List<Hash> notHeld = new java.util.concurrent.CopyOnWriteArrayList<>();
    PeerChunkSource.of(c, REPO).fetch(List.of(id, other), new io.chasm.api.source.ChunkReceiver() {
      @Override
      public void chunk(Hash h, byte[] data) {
        got.put(h, data);
      }

      @Override
      public void notHeld(Hash h) {
        notHeld.add(h);
      }
    }).get(30, TimeUnit.SECONDS);
    assertThat(got).containsOnlyKeys(id);
    assertThat(got.get(id)).isEqualTo(bytes("via chunk source"));
    assertThat(notHeld).containsExactly(other);
  }

  @Test
  void memTransport_servesTheSameProtocol() throws Exception {
    PeerServer server = PeerServer.builder(backend).build();
    toClose.add(server);
    URI uri = server.listen(URI.create("mem://peer-protocol-test"));
    Hash id = backend.putChunk(bytes("mem chunk"));
    PeerClient c = client(uri);
    assertThat(c.chunks(REPO, List.of(id)).get()).containsKey(id);
    assertThat(c.bytesReceived()).isPositive();
    assertThat(c.bytesSent()).isPositive();
  }
}
