package io.chasm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chasm.api.Hash;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ProtocolException;
import io.chasm.api.Hex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.wire.internal.Transcripts;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.AccessPolicy;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.ChunkPrefix;
import io.chasm.wire.proto.peer.Compression;
import io.chasm.wire.proto.peer.End;
import io.chasm.wire.proto.peer.Error;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.GetHead;
import io.chasm.wire.proto.peer.Goodbye;
import io.chasm.wire.proto.peer.Head;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.ManifestBase;
import io.chasm.wire.proto.peer.OriginChanged;
import io.chasm.wire.proto.peer.Permission;
import io.chasm.wire.proto.peer.Ready;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Welcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Produces {@code tck/vectors/wire.json} and checks the Java code against it: frames, framing
 * outcomes, id encodings and one complete handshake with fixed keys and nonces. Regenerate with
 * {@code -Dchasm.writeVectors=true}; {@code tck/check_wire_vectors.py} re-derives it without Java.
 */
class WireVectorsTest {
  static final Path FILE = Path.of("..", "tck", "vectors", "wire.json");
  /** RFC 8032 §7.1 TEST 1 (client) and TEST 2 (server) private key seeds. */
  static final Ed25519Signer CLIENT = Ed25519.signer(Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  static final Ed25519Signer SERVER = Ed25519.signer(Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));

  static ByteString seq(int from) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (from + i);
    }
    return ByteString.copyFrom(b);
  }

  static String frameHex(Frame f) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out, WireLimits.DEFAULT_MAX_FRAME_BYTES).write(f);
    return Hex.encode(out.toByteArray());
  }

  static String generate() throws Exception {
    ByteString clientKey = WireIds.key(CLIENT.publicKey());
    ByteString serverKey = WireIds.key(SERVER.publicKey());
    ByteString cn = seq(0x00);
    ByteString sn = seq(0x20);
    byte[] serverTranscript = Transcripts.server(clientKey, serverKey, cn, sn);
    byte[] clientTranscript = Transcripts.client(clientKey, serverKey, cn, sn);
    byte[] serverProof = SERVER.sign(serverTranscript);
    byte[] clientProof = CLIENT.sign(clientTranscript);
    Frame hello = Frame.newBuilder().setHello(Hello.newBuilder().setMinVersion(1).setMaxVersion(1)
        .addAllCapabilities(Capabilities.ALL).setNodeKey(clientKey).setNonce(cn).setAgent("chasm-tck")
        .setMaxFrameBytes(WireLimits.DEFAULT_MAX_FRAME_BYTES)).build();
    Frame welcome = Frame.newBuilder().setWelcome(Welcome.newBuilder().setVersion(1).addAllCapabilities(Capabilities.ALL)
        .setNodeKey(serverKey).setNonce(sn).setProof(ByteString.copyFrom(serverProof)).setPolicy(AccessPolicy.OPEN_READ_ONLY)
        .setMaxFrameBytes(256 << 10).setMaxOutstanding(256).setMaxIdsPerRequest(1024).setAgent("chasm-tck")).build();
    Frame auth = Frame.newBuilder().setAuth(Auth.newBuilder().setProof(ByteString.copyFrom(clientProof))).build();
    Frame ready = Frame.newBuilder().setReady(Ready.newBuilder().addPermissions(Permission.READ)).build();

    byte[] chunk = "hello, mirror\n".getBytes(StandardCharsets.UTF_8);
    Hash chunkId = Hash.sha256(chunk);
    ObjectId treeId = ObjectId.tree(Hash.sha256("tree".getBytes(StandardCharsets.UTF_8)));
    Map<String, Frame> frames = new LinkedHashMap<>();
    frames.put("get-head", Frame.newBuilder().setRequest(Request.newBuilder().setId(1).setGetHead(GetHead.newBuilder().setRepository("debian"))).build());
    frames.put("get-chunks", Frame.newBuilder().setRequest(Request.newBuilder().setId(2).setGetChunks(
        GetChunks.newBuilder().setRepository("debian").addIds(WireIds.hash(chunkId)).setAcceptZstd(true))).build());
    frames.put("head", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(1).setHead(
        Head.newBuilder().setRepository("debian").setEnvelope(ByteString.copyFromUtf8("CHSE...")))).build());
    frames.put("item", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(2).setItem(
        Item.newBuilder().setId(WireIds.hash(chunkId)).setData(ByteString.copyFrom(chunk)).setCompression(Compression.NONE).setRawSize(chunk.length))).build());
    frames.put("item-missing", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(2).setItem(
        Item.newBuilder().setId(WireIds.hash(chunkId)).setMissing(ErrorCode.NOT_FOUND))).build());
    // §9.17: the client holds "hello, " (7 bytes) of the chunk; the server sends the rest.
    byte[] held = java.util.Arrays.copyOf(chunk, 7);
    byte[] rest = java.util.Arrays.copyOfRange(chunk, 7, chunk.length);
    frames.put("get-chunks-prefix", Frame.newBuilder().setRequest(Request.newBuilder().setId(4).setGetChunks(
        GetChunks.newBuilder().setRepository("debian").addIds(WireIds.hash(chunkId)).setAcceptZstd(true)
            .addPrefixes(ChunkPrefix.newBuilder().setIndex(0).setLength(held.length).setHash(WireIds.hash(Hash.sha256(held)))))).build());
    frames.put("item-after-prefix", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(4).setItem(
        Item.newBuilder().setId(WireIds.hash(chunkId)).setData(ByteString.copyFrom(rest)).setRawSize(rest.length)
            .setPrefixLength(held.length))).build());
    frames.put("end", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(2).setEnd(End.getDefaultInstance())).build());
    frames.put("error", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(3).setError(
        Error.newBuilder().setCode(ErrorCode.LIMIT).setMessage("2000 ids in one request exceed the limit of 1024"))).build());
    frames.put("goodbye", Frame.newBuilder().setGoodbye(Goodbye.newBuilder().setCode(ErrorCode.UNAVAILABLE).setMessage("server shutting down")).build());
    // §9.18: the live file that held the chunk changed since snapshot 6 was published.
    frames.put("item-origin-changed", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(2).setItem(
        Item.newBuilder().setId(WireIds.hash(chunkId)).setMissing(ErrorCode.NOT_FOUND)
            .setOriginChanged(OriginChanged.newBuilder().setPath("pool/main/a/pkg_1.0.deb").setSnapshotSequence(6)))).build());
    // §9.21: the client holds the manifest "base" of an earlier version; the server answers a delta over it
    // (tck/vectors/manifest-delta.json has the delta encodings).
    ObjectId newFile = ObjectId.file(Hash.sha256("new".getBytes(StandardCharsets.UTF_8)));
    ObjectId baseFile = ObjectId.file(Hash.sha256("base".getBytes(StandardCharsets.UTF_8)));
    byte[] delta = Hex.decode("01" + "00000003" + "01" + "00000000" + "00000002" + "02" + "00000001" + "0000ab00" + "11".repeat(32));
    frames.put("get-objects-manifest-base", Frame.newBuilder().setRequest(Request.newBuilder().setId(5).setGetObjects(
        GetObjects.newBuilder().setRepository("debian").addIds(WireIds.objectId(newFile))
            .addBases(ManifestBase.newBuilder().setIndex(0).setBase(WireIds.objectId(baseFile))))).build());
    frames.put("item-manifest-delta", Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(5).setItem(
        Item.newBuilder().setId(WireIds.objectId(newFile)).setData(ByteString.copyFrom(delta)).setRawSize(delta.length)
            .setManifestDelta(true))).build());

    StringBuilder j = new StringBuilder();
    j.append("{\n  \"description\": \"Peer protocol vectors (tck/SPEC.md sections 7-9): frames as length:u32 big-endian || Frame payload, framing outcomes, id encodings, one handshake. Generated by WireVectorsTest; re-derived by tck/check_wire_vectors.py.\",\n");
    j.append("  \"keys_source\": \"client = RFC 8032 section 7.1 TEST 1, server = TEST 2 private key seeds\",\n");
    j.append("  \"ids\": [\n");
    j.append("    {\"hash\": \"").append(chunkId).append("\", \"data_utf8\": \"hello, mirror\\n\", \"encoded\": \"").append(Hex.encode(WireIds.hash(chunkId).toByteArray())).append("\"},\n");
    j.append("    {\"object_id\": \"").append(treeId).append("\", \"kind\": 3, \"encoded\": \"").append(Hex.encode(WireIds.objectId(treeId).toByteArray())).append("\"},\n");
    j.append("    {\"node_key\": \"").append(CLIENT.publicKey().toText()).append("\", \"encoded\": \"").append(Hex.encode(clientKey.toByteArray())).append("\"}\n  ],\n");
    j.append("  \"handshake\": {\n");
    j.append("    \"client_seed\": \"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\",\n");
    j.append("    \"server_seed\": \"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb\",\n");
    j.append("    \"client_key\": \"").append(Hex.encode(clientKey.toByteArray())).append("\",\n");
    j.append("    \"server_key\": \"").append(Hex.encode(serverKey.toByteArray())).append("\",\n");
    j.append("    \"client_nonce\": \"").append(Hex.encode(cn.toByteArray())).append("\",\n");
    j.append("    \"server_nonce\": \"").append(Hex.encode(sn.toByteArray())).append("\",\n");
    j.append("    \"server_transcript\": \"").append(Hex.encode(serverTranscript)).append("\",\n");
    j.append("    \"server_proof\": \"").append(Hex.encode(serverProof)).append("\",\n");
    j.append("    \"client_transcript\": \"").append(Hex.encode(clientTranscript)).append("\",\n");
    j.append("    \"client_proof\": \"").append(Hex.encode(clientProof)).append("\",\n");
    j.append("    \"frames\": [\n");
    j.append("      {\"from\": \"client\", \"body\": \"hello\", \"hex\": \"").append(frameHex(hello)).append("\"},\n");
    j.append("      {\"from\": \"server\", \"body\": \"welcome\", \"hex\": \"").append(frameHex(welcome)).append("\"},\n");
    j.append("      {\"from\": \"client\", \"body\": \"auth\", \"hex\": \"").append(frameHex(auth)).append("\"},\n");
    j.append("      {\"from\": \"server\", \"body\": \"ready\", \"hex\": \"").append(frameHex(ready)).append("\"}\n    ]\n  },\n");
    j.append("  \"frames\": [\n");
    int n = 0;
    for (Map.Entry<String, Frame> e : frames.entrySet()) {
      j.append("    {\"name\": \"").append(e.getKey()).append("\", \"body\": \"").append(e.getValue().getBodyCase().name().toLowerCase(java.util.Locale.ROOT))
          .append("\", \"hex\": \"").append(frameHex(e.getValue())).append("\"}").append(++n < frames.size() ? ",\n" : "\n");
    }
    j.append("  ],\n");
    j.append("  \"framing\": [\n");
    List<String[]> cases = framingCases();
    for (int i = 0; i < cases.size(); i++) {
      String[] c = cases.get(i);
      j.append("    {\"name\": \"").append(c[0]).append("\", \"max_frame_bytes\": ").append(c[1]).append(", \"hex\": \"").append(c[2])
          .append("\", \"outcome\": \"").append(c[3]).append("\"}").append(i + 1 < cases.size() ? ",\n" : "\n");
    }
    j.append("  ]\n}\n");
    return j.toString();
  }

  /** name, max frame bytes, input hex, outcome of reading one frame: frame | eof | limit | protocol. */
  static List<String[]> framingCases() {
    return List.of(
        new String[] {"end-frame", "65536", "00000006320408022200", "frame"},
        new String[] {"clean-end-of-stream", "65536", "", "eof"},
        new String[] {"claims-4-GiB", "16777216", "ffffffff", "limit"},
        new String[] {"one-over-max", "65536", "00010001", "limit"},
        new String[] {"zero-length", "65536", "00000000", "protocol"},
        new String[] {"truncated-header", "65536", "000000", "protocol"},
        new String[] {"truncated-payload", "65536", "0000000a3202", "protocol"},
        new String[] {"malformed-protobuf", "65536", "000000032affffff", "protocol"},
        new String[] {"unknown-body-only", "65536", "00000003980601", "protocol"});
  }

  @Test
  void vectors_matchTheCheckedInFile() throws Exception {
    String expected = generate();
    if (Boolean.getBoolean("chasm.writeVectors")) {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, expected);
    }
    assertThat(Files.readString(FILE)).as("regenerate with -Dchasm.writeVectors=true").isEqualTo(expected);
  }

  @Test
  void framingCases_readerOutcomes() throws Exception {
    for (String[] c : framingCases()) {
      FrameReader r = new FrameReader(new ByteArrayInputStream(Hex.decode(c[2])), Integer.parseInt(c[1]));
      switch (c[3]) {
        case "frame" -> assertThat(r.read()).as(c[0]).isNotNull();
        case "eof" -> assertThat(r.read()).as(c[0]).isNull();
        case "limit" -> assertThatThrownBy(r::read).as(c[0]).isInstanceOf(LimitExceededException.class);
        default -> assertThatThrownBy(r::read).as(c[0]).isInstanceOf(ProtocolException.class);
      }
    }
  }

  @Test
  void handshakeProofs_verify() throws Exception {
    ByteString ck = WireIds.key(CLIENT.publicKey());
    ByteString sk = WireIds.key(SERVER.publicKey());
    Ed25519.verifier().verify(SERVER.publicKey(), Transcripts.server(ck, sk, seq(0), seq(0x20)), SERVER.sign(Transcripts.server(ck, sk, seq(0), seq(0x20))));
    assertThat(new String(Transcripts.server(ck, sk, seq(0), seq(0x20)), 0, 26, StandardCharsets.US_ASCII)).isEqualTo("chasm-peer-v1 server proof");
  }
}
