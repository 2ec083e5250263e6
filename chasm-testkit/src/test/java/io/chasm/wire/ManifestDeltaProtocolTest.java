package io.chasm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.ProtocolException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.merkle.ManifestDelta;
import io.chasm.testkit.HostileUpstream;
import io.chasm.testkit.InMemoryBackend;
import io.chasm.testkit.RawConnection;
import io.chasm.testkit.RawIds;
import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.ManifestBase;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §9.21 over loopback: a manifest whose base the client offers comes as a delta and is
 * rebuilt to the exact manifest; a server without the capability, or without the base, sends it
 * whole; a wrong delta is refused as a hash mismatch of that manifest, a delta nobody asked for
 * as a protocol error; a malformed offer is BAD_REQUEST.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ManifestDeltaProtocolTest {
  private static final String REPO = "debian";
  private final FileManifest base = manifest(0, 3000, -1);
  private final FileManifest target = manifest(0, 3000, 1500);
  private final FileManifest other = manifest(7, 3000, -1);
  private final InMemoryBackend backend = new InMemoryBackend().putHead(REPO, new byte[] {1})
      .putObject(base.id(), base.encode()).putObject(target.id(), target.encode());
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void offeredBase_theManifestComesAsADelta_rebuiltExactly() throws Exception {
    URI uri = serve(PeerServer.builder(backend));
    PeerClient c = client(uri);
    Map<ObjectId, byte[]> got = c.objects(REPO, List.of(target.id()), id -> base).get(30, TimeUnit.SECONDS);
    assertThat(got.get(target.id())).isEqualTo(target.encode());

    Item item = rawItem(uri, GetObjects.newBuilder().setRepository(REPO).addIds(RawIds.objectId(target.id()))
        .addBases(ManifestBase.newBuilder().setIndex(0).setBase(RawIds.objectId(base.id()))));
    assertThat(item.getManifestDelta()).isTrue();
    assertThat(item.getData().toByteArray()).isEqualTo(ManifestDelta.diff(base, target));
    assertThat(item.getData().size()).isLessThan(100);
  }

  @Test
  void withoutTheCapability_orWithoutTheBase_theManifestComesWhole() throws Exception {
    URI plain = serve(PeerServer.builder(backend).capabilities(List.of(Capabilities.ZSTD)));
    assertThat(client(plain).objects(REPO, List.of(target.id()), id -> base).get(30, TimeUnit.SECONDS).get(target.id()))
        .isEqualTo(target.encode());
    GetObjects.Builder ask = GetObjects.newBuilder().setRepository(REPO).addIds(RawIds.objectId(target.id()))
        .addBases(ManifestBase.newBuilder().setIndex(0).setBase(RawIds.objectId(base.id())));
    Item item = rawItem(plain, ask);
    assertThat(item.getManifestDelta()).isFalse();
    assertThat(item.getData().toByteArray()).isEqualTo(target.encode());

    URI full = serve(PeerServer.builder(backend));
    Item notHeld = rawItem(full, GetObjects.newBuilder().setRepository(REPO).addIds(RawIds.objectId(target.id()))
        .addBases(ManifestBase.newBuilder().setIndex(0).setBase(RawIds.objectId(other.id()))));
    assertThat(notHeld.getManifestDelta()).isFalse();
    assertThat(notHeld.getData().toByteArray()).isEqualTo(target.encode());
  }

  @Test
  void malformedOffer_isBadRequest() throws Exception {
    URI uri = serve(PeerServer.builder(backend));
    Reply r = rawReply(uri, GetObjects.newBuilder().setRepository(REPO).addIds(RawIds.objectId(target.id()))
        .addBases(ManifestBase.newBuilder().setIndex(1).setBase(RawIds.objectId(base.id()))));
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void aDeltaOverAnotherBase_isAHashMismatch() throws Exception {
    byte[] lie = ManifestDelta.diff(other, manifest(7, 3000, 1500)); // copies from "other": wrong over the real base
    try (HostileUpstream h = HostileUpstream.scripted((s, r) -> s.send(deltaReply(r, lie)))) {
      Throwable t = cause(client(h.uri()).objects(REPO, List.of(target.id()), id -> base));
      assertThat(t).isInstanceOf(HashMismatchException.class);
    }
  }

  @Test
  void aDeltaNotAskedFor_isAProtocolError() throws Exception {
    byte[] delta = ManifestDelta.diff(base, target);
    try (HostileUpstream h = HostileUpstream.scripted((s, r) -> s.send(deltaReply(r, delta)))) {
      Throwable t = cause(client(h.uri()).objects(REPO, List.of(target.id())));
      assertThat(t).isInstanceOf(ProtocolException.class);
    }
  }

  private static Frame deltaReply(Request r, byte[] delta) {
    return Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(r.getId()).setItem(Item.newBuilder()
        .setId(r.getGetObjects().getIds(0)).setData(ByteString.copyFrom(delta)).setRawSize(delta.length)
        .setManifestDelta(true))).build();
  }

  private Item rawItem(URI uri, GetObjects.Builder ask) throws Exception {
    Reply r = rawReply(uri, ask);
    assertThat(r.hasItem()).as("%s", r).isTrue();
    return r.getItem();
  }

  private Reply rawReply(URI uri, GetObjects.Builder ask) throws Exception {
    RawConnection raw = RawConnection.connect(uri);
    toClose.add(raw);
    raw.handshake(null);
    raw.send(Request.newBuilder().setId(1).setGetObjects(ask));
    return raw.read().getReply();
  }

  private URI serve(PeerServer.Builder b) throws Exception {
    PeerServer s = b.build();
    toClose.add(s);
    return s.listen(URI.create("tcp://127.0.0.1:0"));
  }

  private PeerClient client(URI uri) throws Exception {
    PeerClient c = PeerClient.connect(uri, ClientOptions.defaults());
    toClose.add(c);
    return c;
  }

  private static Throwable cause(java.util.concurrent.CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("future succeeded");
  }

  /** {@code n} chunks of seed {@code seed}; chunk {@code changed} (if any) replaced by another of the same length. */
  static FileManifest manifest(int seed, int n, int changed) {
    List<Chunk> chunks = new ArrayList<>(n);
    long offset = 0;
    for (int i = 0; i < n; i++) {
      int len = 1000 + (i * 7919 + seed) % 60_000;
      String tag = i == changed ? "changed-" + i : seed + "-" + i;
      chunks.add(new Chunk(offset, len, Hash.sha256(tag.getBytes())));
      offset += len;
    }
    return FileManifest.of(chunks);
  }
}
