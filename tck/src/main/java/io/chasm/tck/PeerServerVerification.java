package io.chasm.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.testkit.RawConnection;
import io.chasm.testkit.RawIds;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.Cancel;
import io.chasm.wire.proto.peer.Compression;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.GetHead;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Subscribe;
import io.chasm.wire.proto.peer.Welcome;
import io.chasm.api.ChasmException;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Conformance of a peer-protocol server (tck/SPEC.md §7–§9). Extend it, start your server
 * serving {@link PeerFixture} as repository {@link PeerFixture#REPOSITORY} in {@link
 * #startServer}, stop it in {@link #stopServer}; every test then talks to it over a real
 * connection, breaking the rules where the rule is about breaking them.
 *
 * <p>Test names carry the rule: {@code required_specN_M_...} for MUST, {@code optional_...} for
 * SHOULD/MAY (skipped when a capability knob says the server does not do it). Each assertion's
 * description names the rule and what to look at when it fails.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class PeerServerVerification {
  protected PeerFixture fixture;
  protected URI endpoint;

  /** Starts the server under test, serving {@code fixture}; returns the URI to connect to. */
  protected abstract URI startServer(PeerFixture fixture) throws Exception;

  protected abstract void stopServer() throws Exception;

  /**
   * Makes the running server publish {@code envelope} as its new head (to test pushes to
   * subscribers). Default: unsupported, and the push test is skipped.
   */
  protected void publishHead(byte[] envelope) throws Exception {
    throw new UnsupportedOperationException();
  }

  /** Whether the server offers zstd (capability knob). */
  protected boolean offersZstd() {
    return true;
  }

  /** Whether the server offers subscriptions (capability knob). */
  protected boolean offersSubscribe() {
    return true;
  }

  @BeforeEach
  void startTheServer() throws Exception {
    fixture = PeerFixture.create();
    endpoint = startServer(fixture);
  }

  @AfterEach
  void stopTheServer() throws Exception {
    stopServer();
  }

  // ------------------------------------------------------------------ helpers

  protected RawConnection raw() throws Exception {
    return RawConnection.connect(endpoint);
  }

  protected RawConnection ready() throws Exception {
    RawConnection r = raw();
    Frame f = r.handshake(null);
    assertThat(f).as("§8.1: an anonymous client must get Ready from an open server").isNotNull();
    assertThat(f.hasReady()).as("§8.1: expected Ready after Auth, got %s", f.getBodyCase()).isTrue();
    return r;
  }

  /** The next frame, failing if the connection ended. */
  protected static Frame next(RawConnection r, String rule) throws Exception {
    Frame f = r.read();
    assertThat(f).as("%s: the server closed the connection instead of answering", rule).isNotNull();
    return f;
  }

  /** Asserts that the server refuses with a Goodbye (if it says anything) and closes. */
  protected static void assertRefused(RawConnection r, ErrorCode code, String rule) throws Exception {
    Frame f;
    try {
      f = r.read();
    } catch (IOException | ChasmException e) {
      return; // closed abruptly: allowed (Goodbye is SHOULD)
    }
    if (f != null) {
      assertThat(f.hasGoodbye()).as("%s: expected Goodbye{%s} and close, got %s", rule, code, f.getBodyCase()).isTrue();
      assertThat(f.getGoodbye().getCode()).as("%s: Goodbye code", rule).isEqualTo(code);
      assertClosed(r, rule);
    }
  }

  protected static void assertClosed(RawConnection r, String rule) {
    try {
      Frame f = r.read();
      assertThat(f).as("%s: the connection must be closed after the refusal", rule).isNull();
    } catch (IOException | ChasmException e) {
      // Closed, possibly with a reset: fine.
    }
  }

  protected static Reply reply(RawConnection r, long id, String rule) throws Exception {
    Frame f = next(r, rule);
    assertThat(f.hasReply()).as("%s: expected a Reply, got %s", rule, f.getBodyCase()).isTrue();
    assertThat(f.getReply().getRequestId()).as("%s: the reply must carry the request id (§9.3)", rule).isEqualTo(id);
    return f.getReply();
  }

  protected static void assertError(Reply reply, ErrorCode code, String rule) {
    assertThat(reply.hasError()).as("%s: expected Error{%s}, got %s", rule, code, reply.getKindCase()).isTrue();
    assertThat(reply.getError().getCode()).as(rule).isEqualTo(code);
    assertThat(reply.getError().getMessage()).as("§7.8: error messages are one line").doesNotContain("\n");
  }

  // ------------------------------------------------------------------ §7 framing

  @Test
  public void required_spec7_2_oversizedFrameIsRefusedFromItsHeaderAlone() throws Exception {
    try (RawConnection r = ready()) {
      long max = Integer.toUnsignedLong(r.welcome().getMaxFrameBytes());
      long claim = Math.max(max + 1, 1L << 30);
      r.sendRaw(new byte[] {(byte) (claim >>> 24), (byte) (claim >>> 16), (byte) (claim >>> 8), (byte) claim});
      // Nothing more is sent: a server that waits for the payload times this test out.
      assertRefused(r, ErrorCode.LIMIT, "§7.2 (a claimed length over Welcome.max_frame_bytes)");
    }
  }

  @Test
  public void required_spec7_2_zeroLengthFrameIsRefused() throws Exception {
    try (RawConnection r = ready()) {
      r.sendRaw(new byte[4]);
      assertRefused(r, ErrorCode.BAD_REQUEST, "§7.2 (length 0)");
    }
  }

  @Test
  public void required_spec7_6_malformedPayloadIsRefused() throws Exception {
    try (RawConnection r = ready()) {
      r.sendRaw(new byte[] {0, 0, 0, 4, (byte) 0x2a, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      assertRefused(r, ErrorCode.BAD_REQUEST, "§7.6 (payload is not a Frame)");
    }
  }

  @Test
  public void required_spec7_6_frameWithUnknownBodyIsRefused() throws Exception {
    try (RawConnection r = ready()) {
      r.sendRaw(new byte[] {0, 0, 0, 3, (byte) 0x98, 0x06, 0x01});
      assertRefused(r, ErrorCode.BAD_REQUEST, "§7.6 (no known body)");
    }
  }

  // ------------------------------------------------------------------ §8 handshake

  @Test
  public void required_spec8_1_handshakeEndsWithReady() throws Exception {
    try (RawConnection r = ready()) {
      Welcome w = r.welcome();
      assertThat(w.getVersion()).as("§8.2: version 1 must be chosen for a 1..1 Hello").isEqualTo(1);
      assertThat(w.getNonce().size()).as("§8.4: the server nonce is 32 bytes").isEqualTo(32);
      assertThat(Integer.toUnsignedLong(w.getMaxFrameBytes())).as("§7.4/§8.11: at least 64 KiB accepted").isGreaterThanOrEqualTo(65536);
      assertThat(w.getMaxOutstanding()).as("§8.11").isPositive();
      assertThat(w.getMaxIdsPerRequest()).as("§8.11").isPositive();
    }
  }

  @Test
  public void required_spec8_1_requestBeforeHandshakeIsRefused() throws Exception {
    try (RawConnection r = raw()) {
      r.send(Request.newBuilder().setId(1).setGetHead(GetHead.newBuilder().setRepository(PeerFixture.REPOSITORY)));
      Frame f;
      try {
        f = r.read();
      } catch (IOException | ChasmException e) {
        return;
      }
      assertThat(f == null || f.hasGoodbye()).as("§8.1: a Request before Hello must not be answered, got %s", f).isTrue();
    }
  }

  @Test
  public void required_spec8_2_noCommonVersionGetsUnsupportedVersion() throws Exception {
    try (RawConnection r = raw()) {
      r.send(Frame.newBuilder().setHello(RawConnection.hello().setMinVersion(7).setMaxVersion(9)).build());
      assertRefused(r, ErrorCode.UNSUPPORTED_VERSION, "§8.2");
    }
  }

  @Test
  public void required_spec8_3_capabilitiesAreASubsetOfTheHello() throws Exception {
    try (RawConnection r = raw()) {
      r.send(Frame.newBuilder().setHello(RawConnection.hello().clearCapabilities().addCapabilities("zstd").addCapabilities("x-unknown")).build());
      Frame f = next(r, "§8.3");
      assertThat(f.hasWelcome()).as("§8.3: unknown capability names must be ignored, not refused").isTrue();
      assertThat(f.getWelcome().getCapabilitiesList()).as("§8.3: Welcome.capabilities ⊆ Hello.capabilities").isSubsetOf("zstd");
    }
  }

  @Test
  public void required_spec8_4_nonceOfWrongLengthIsRefused() throws Exception {
    try (RawConnection r = raw()) {
      r.send(Frame.newBuilder().setHello(RawConnection.hello().setNonce(ByteString.copyFrom(new byte[5]))).build());
      assertRefused(r, ErrorCode.BAD_REQUEST, "§8.4");
    }
  }

  @Test
  public void required_spec8_7_serverProofVerifies() throws Exception {
    // PeerClient verifies Welcome.proof when a node key is present and throws if it fails.
    try (PeerClient c = PeerClient.connect(endpoint, ClientOptions.defaults())) {
      assertThat(c.isOpen()).as("§8.7").isTrue();
    }
  }

  @Test
  public void required_spec8_8_clientProofByAnotherKeyIsRefused() throws Exception {
    try (RawConnection r = raw()) {
      Hello hello = RawConnection.hello().setNodeKey(RawIds.key(Ed25519.generate().publicKey())).build();
      r.send(Frame.newBuilder().setHello(hello).build());
      assertThat(next(r, "§8.8").hasWelcome()).isTrue();
      r.send(Frame.newBuilder().setAuth(Auth.newBuilder().setProof(ByteString.copyFrom(Ed25519.generate().sign(new byte[] {1})))).build());
      assertRefused(r, ErrorCode.BAD_PROOF, "§8.8 (Auth.proof must verify over the client transcript)");
    }
  }

  @Test
  public void required_spec8_8_provenClientKeyIsAccepted() throws Exception {
    try (RawConnection r = raw()) {
      Frame f = r.handshake(Ed25519.generate());
      assertThat(f != null && (f.hasReady() || (f.hasGoodbye() && f.getGoodbye().getCode() == ErrorCode.UNAUTHORIZED)))
          .as("§8.8/§8.9: a correctly proven key gets Ready (or UNAUTHORIZED under an allowlist), got %s", f).isTrue();
    }
  }

  // ------------------------------------------------------------------ §9 requests

  @Test
  public void required_spec9_6_headIsTheExactEnvelope() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(1).setGetHead(GetHead.newBuilder().setRepository(PeerFixture.REPOSITORY)));
      Reply reply = reply(r, 1, "§9.6");
      assertThat(reply.hasHead()).as("§9.6: expected Head, got %s", reply.getKindCase()).isTrue();
      assertThat(reply.getHead().getEnvelope().toByteArray()).as("§9.6: the envelope must be relayed byte for byte").isEqualTo(fixture.head());
    }
  }

  @Test
  public void required_spec9_6_unknownRepositoryIsNotFound() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(1).setGetHead(GetHead.newBuilder().setRepository("no-such-repository")));
      assertError(reply(r, 1, "§9.6"), ErrorCode.NOT_FOUND, "§9.6");
    }
  }

  @Test
  public void required_spec9_6_overlongRepositoryNameIsLimit() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(1).setGetHead(GetHead.newBuilder().setRepository("r".repeat(256))));
      assertError(reply(r, 1, "§9.6"), ErrorCode.LIMIT, "§9.6 (names longer than 255 bytes)");
    }
  }

  @Test
  public void required_spec9_19_seenEnvelopeLeavesTheAnswerUnchanged() throws Exception {
    byte[] head = fixture.head();
    byte[] truncated = java.util.Arrays.copyOf(head, head.length / 2);
    byte[] garbage = new byte[300];
    new java.util.Random(919).nextBytes(garbage);
    List<byte[]> seen = List.of(head, truncated, garbage, new byte[] {0});
    try (RawConnection r = ready()) {
      for (int i = 0; i < seen.size(); i++) {
        long id = i + 1;
        r.send(Request.newBuilder().setId(id).setGetHead(GetHead.newBuilder().setRepository(PeerFixture.REPOSITORY)
            .setSeenEnvelope(ByteString.copyFrom(seen.get(i)))));
        Reply reply = reply(r, id, "§9.19");
        assertThat(reply.hasHead()).as("§9.19: a GetHead with seen_envelope #%d (whatever it holds) must be answered as "
            + "without it, got %s", id, reply.getKindCase()).isTrue();
        assertThat(reply.getHead().getEnvelope().toByteArray()).as("§9.19: the head must not depend on seen_envelope #%d", id)
            .isEqualTo(head);
        assertThat(reply.getHead().getProofsCount()).as("§9.19: at most 8 proofs in a Head").isLessThanOrEqualTo(8);
      }
    }
  }

  @Test
  public void required_spec9_20_holdersAreEndpointUris() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(1).setGetHead(GetHead.newBuilder().setRepository(PeerFixture.REPOSITORY)));
      Reply reply = reply(r, 1, "§9.20");
      assertThat(reply.hasHead()).as("§9.20: expected Head, got %s", reply.getKindCase()).isTrue();
      for (String holder : reply.getHead().getHoldersList()) {
        URI u = URI.create(holder);
        assertThat(u.getScheme()).as("§9.20: holder %s must be an endpoint URI with a scheme", holder).isNotNull();
      }
    }
  }

  @Test
  public void required_spec9_7_objectsComeInRequestOrderThenEnd() throws Exception {
    ObjectId missing = ObjectId.tree(Hash.sha256(new byte[] {42}));
    List<ObjectId> ids = List.of(fixture.fileManifest(), missing, fixture.rootTree());
    try (RawConnection r = ready()) {
      GetObjects.Builder g = GetObjects.newBuilder().setRepository(PeerFixture.REPOSITORY);
      ids.forEach(id -> g.addIds(RawIds.objectId(id)));
      r.send(Request.newBuilder().setId(9).setGetObjects(g));
      for (ObjectId id : ids) {
        Reply rep = reply(r, 9, "§9.7");
        assertThat(rep.hasItem()).as("§9.7: one Item per id, got %s", rep.getKindCase()).isTrue();
        Item item = rep.getItem();
        assertThat(item.getId()).as("§9.7: items in request order").isEqualTo(RawIds.objectId(id));
        if (id.equals(missing)) {
          assertThat(item.getMissing()).as("§9.8: an object not held is missing NOT_FOUND").isEqualTo(ErrorCode.NOT_FOUND);
        } else {
          assertThat(item.getData().toByteArray()).as("§9.7: canonical encoding of %s", id).isEqualTo(fixture.objects().get(id));
        }
      }
      assertThat(reply(r, 9, "§9.7").hasEnd()).as("§9.7: End after the last item").isTrue();
    }
  }

  @Test
  public void required_spec9_7_moreIdsThanAnnouncedIsLimit() throws Exception {
    try (RawConnection r = ready()) {
      int n = r.welcome().getMaxIdsPerRequest() + 1;
      GetChunks.Builder g = GetChunks.newBuilder().setRepository(PeerFixture.REPOSITORY);
      for (int i = 0; i < n; i++) {
        g.addIds(RawIds.hash(Hash.sha256(new byte[] {(byte) i, (byte) (i >> 8)})));
      }
      r.send(Request.newBuilder().setId(3).setGetChunks(g));
      assertError(reply(r, 3, "§9.7"), ErrorCode.LIMIT, "§9.7 (max_ids_per_request + 1 ids, before any item)");
    }
  }

  @Test
  public void required_spec9_7_chunkIdInGetObjectsIsBadRequest() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(4).setGetObjects(GetObjects.newBuilder().setRepository(PeerFixture.REPOSITORY)
          .addIds(RawIds.objectId(ObjectId.chunk(fixture.chunkIds().get(0))))));
      assertError(reply(r, 4, "§9.7"), ErrorCode.BAD_REQUEST, "§9.7 (chunks are not objects)");
    }
  }

  @Test
  public void required_spec9_1_malformedIdIsBadRequest() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(5).setGetChunks(GetChunks.newBuilder().setRepository(PeerFixture.REPOSITORY)
          .addIds(ByteString.copyFrom(new byte[] {1, 2, 3}))));
      assertError(reply(r, 5, "§9.1"), ErrorCode.BAD_REQUEST, "§9.1 (a 3-byte hash)");
    }
  }

  @Test
  public void required_spec9_2_requestIdZeroIsRefused() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(0).setGetHead(GetHead.newBuilder().setRepository(PeerFixture.REPOSITORY)));
      assertRefused(r, ErrorCode.BAD_REQUEST, "§9.2");
    }
  }

  @Test
  public void required_spec9_4_pipelinedRequestsEachGetOneTerminalReply() throws Exception {
    try (RawConnection r = ready()) {
      int n = Math.min(8, r.welcome().getMaxOutstanding());
      for (int i = 1; i <= n; i++) {
        Request.Builder b = Request.newBuilder().setId(100 + i);
        if (i % 2 == 0) {
          b.setGetHead(GetHead.newBuilder().setRepository(PeerFixture.REPOSITORY));
        } else {
          b.setGetChunks(GetChunks.newBuilder().setRepository(PeerFixture.REPOSITORY).addIds(RawIds.hash(fixture.chunkIds().get(2))));
        }
        r.send(b);
      }
      Map<Long, Integer> terminal = new HashMap<>();
      while (terminal.size() < n) {
        Frame f = next(r, "§9.4");
        Reply rep = f.getReply();
        if (rep.hasHead() || rep.hasEnd() || rep.hasError()) {
          assertThat(terminal.put(rep.getRequestId(), 1)).as("§9.4: exactly one terminal reply for %s", rep.getRequestId()).isNull();
        }
        assertThat(rep.getRequestId()).as("§9.3: replies only to outstanding ids").isBetween(101L, 100L + n);
      }
    }
  }

  @Test
  public void required_spec9_9_chunksAreServedAndVerify() throws Exception {
    try (PeerClient c = PeerClient.connect(endpoint, ClientOptions.defaults().withZstd(offersZstd()))) {
      Map<Hash, byte[]> got = c.chunks(PeerFixture.REPOSITORY, fixture.chunkIds()).get(20, TimeUnit.SECONDS);
      assertThat(got.keySet()).as("§9.7/§9.9: every fixture chunk, in order, verified").containsExactlyElementsOf(fixture.chunkIds());
    }
  }

  @Test
  public void required_spec9_10_noCompressionUnlessAccepted() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(6).setGetChunks(GetChunks.newBuilder().setRepository(PeerFixture.REPOSITORY)
          .addAllIds(fixture.chunkIds().stream().map(RawIds::hash).toList()).setAcceptZstd(false)));
      for (Hash id : fixture.chunkIds()) {
        Item item = reply(r, 6, "§9.10").getItem();
        assertThat(item.getCompression()).as("§9.10: ZSTD only when accept_zstd").isEqualTo(Compression.NONE);
        assertThat(item.getData().size()).as("§9.10: NONE data is exactly raw_size bytes").isEqualTo(item.getRawSize());
        assertThat(Hash.sha256(item.getData().toByteArray())).as("§9.9").isEqualTo(id);
      }
      assertThat(reply(r, 6, "§9.10").hasEnd()).isTrue();
    }
  }

  @Test
  public void optional_spec9_10_compressibleChunkTravelsZstd() throws Exception {
    Assumptions.assumeTrue(offersZstd(), "server does not offer zstd");
    Hash text = fixture.chunkIds().get(1);
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(7).setGetChunks(GetChunks.newBuilder().setRepository(PeerFixture.REPOSITORY)
          .addIds(RawIds.hash(text)).setAcceptZstd(true)));
      Item item = reply(r, 7, "§9.10").getItem();
      assertThat(item.getCompression()).as("§9.10: a 100 KB text chunk should travel compressed").isEqualTo(Compression.ZSTD);
      byte[] raw = Zstd.decompress(item.getData().toByteArray(), item.getRawSize());
      assertThat(Hash.sha256(raw)).as("§9.10: decompresses to the chunk").isEqualTo(text);
    }
  }

  @Test
  public void required_spec9_11_subscribeSendsTheCurrentHeadAndCancelEndsIt() throws Exception {
    Assumptions.assumeTrue(offersSubscribe(), "server does not offer subscribe");
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(11).setSubscribe(Subscribe.newBuilder().setRepository(PeerFixture.REPOSITORY)));
      Reply first = reply(r, 11, "§9.11");
      assertThat(first.getHead().getEnvelope().toByteArray()).as("§9.11: the current head at once").isEqualTo(fixture.head());
      r.send(Request.newBuilder().setId(12).setCancel(Cancel.newBuilder().setTargetId(11)));
      assertThat(reply(r, 11, "§9.12").hasEnd()).as("§9.12: Cancel ends the subscription with End").isTrue();
    }
  }

  @Test
  public void optional_spec9_11_newHeadIsPushed() throws Exception {
    Assumptions.assumeTrue(offersSubscribe(), "server does not offer subscribe");
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(11).setSubscribe(Subscribe.newBuilder().setRepository(PeerFixture.REPOSITORY)));
      reply(r, 11, "§9.11");
      try {
        publishHead(fixture.nextHead());
      } catch (UnsupportedOperationException e) {
        Assumptions.abort("publishHead not provided");
      }
      assertThat(reply(r, 11, "§9.11").getHead().getEnvelope().toByteArray()).as("§9.11: pushed new head").isEqualTo(fixture.nextHead());
    }
  }

  @Test
  public void required_spec9_14_announceByAStrangerIsRefused() throws Exception {
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(13).setAnnounce(io.chasm.wire.proto.peer.Announce.newBuilder()
          .setRepository(PeerFixture.REPOSITORY).setEnvelope(ByteString.copyFrom(fixture.nextHead()))));
      Reply rep = reply(r, 13, "§9.14");
      assertThat(rep.hasError()).as("§8.10/§9.14: an anonymous client must not announce").isTrue();
      assertThat(rep.getError().getCode()).isIn(ErrorCode.UNAUTHORIZED, ErrorCode.BAD_REQUEST);
    }
    try (RawConnection r = ready()) {
      r.send(Request.newBuilder().setId(1).setGetHead(GetHead.newBuilder().setRepository(PeerFixture.REPOSITORY)));
      assertThat(reply(r, 1, "§9.14").getHead().getEnvelope().toByteArray()).as("§9.14: the head is unchanged").isEqualTo(fixture.head());
    }
  }

  /** Fails with a clear message: for implementers writing extra checks on top. */
  protected static void violated(String rule, String what) {
    fail(rule + ": " + what);
  }
}
