package io.chasm.wire.internal.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.ProtocolException;
import io.chasm.api.SignatureException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.trust.PublicKey;
import io.chasm.wire.Capabilities;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.PeerErrorException;
import io.chasm.wire.Permission;
import io.chasm.wire.WireLimits;
import io.chasm.wire.internal.CountingInputStream;
import io.chasm.wire.internal.ProtoEnums;
import io.chasm.wire.internal.TimedOutputStream;
import io.chasm.wire.internal.Transcripts;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Goodbye;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Welcome;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The client side of the handshake (SPEC §8): Hello, check the Welcome and the server's proof,
 * Auth with our own proof, Ready. What it agreed on is a {@link Session}.
 */
public final class ClientHandshake {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ClientHandshake() {}

  /** The streams of a connection that passed the handshake, and what the server told. */
  public record Session(CountingInputStream in, TimedOutputStream out, FrameReader reader, FrameWriter writer,
      Welcome welcome, PublicKey serverKey, Set<Permission> permissions) {}

  public static Session run(Connection connection, ClientOptions o) throws IOException, ChasmException {
    String peer = connection.peerDescription();
    CountingInputStream in = new CountingInputStream(new BufferedInputStream(connection.input(), 64 << 10));
    TimedOutputStream out = new TimedOutputStream(connection.output());
    FrameReader reader = new FrameReader(in, o.limits().maxFrameBytes());
    FrameWriter hsWriter = new FrameWriter(out, WireLimits.MIN_FRAME_BYTES);

    byte[] nonceBytes = new byte[Capabilities.NONCE_BYTES];
    RANDOM.nextBytes(nonceBytes);
    ByteString clientNonce = UnsafeByteOperations.unsafeWrap(nonceBytes);
    ByteString clientKey = o.identity() == null ? ByteString.EMPTY : WireIds.key(o.identity().publicKey());
    List<String> offered = new ArrayList<>(Capabilities.ALL);
    if (!o.acceptZstd()) {
      offered.remove(Capabilities.ZSTD);
    }
    hsWriter.write(Frame.newBuilder().setHello(Hello.newBuilder()
        .setMinVersion(Capabilities.PROTOCOL_VERSION).setMaxVersion(Capabilities.PROTOCOL_VERSION)
        .addAllCapabilities(offered).setNodeKey(clientKey).setNonce(clientNonce).setAgent(o.agent())
        .setMaxFrameBytes(o.limits().maxFrameBytes())).build());

    Frame f = expect(reader.read(), peer, "Welcome");
    if (!f.hasWelcome()) {
      throw new ProtocolException("expected Welcome from " + peer + ", got " + f.getBodyCase());
    }
    Welcome w = f.getWelcome();
    if (w.getVersion() != Capabilities.PROTOCOL_VERSION) {
      throw new ProtocolException(peer + " chose protocol version " + w.getVersion() + ", which was not offered");
    }
    if (!offered.containsAll(w.getCapabilitiesList())) {
      throw new ProtocolException(peer + " chose capabilities that were not offered: " + w.getCapabilitiesList());
    }
    if (w.getNonce().size() != Capabilities.NONCE_BYTES) {
      throw new ProtocolException(peer + " sent a nonce of " + w.getNonce().size() + " bytes");
    }
    if (w.getMaxFrameBytes() < WireLimits.MIN_FRAME_BYTES || w.getMaxOutstanding() < 1 || w.getMaxIdsPerRequest() < 1) {
      throw new ProtocolException(peer + " announced limits below the protocol minimum");
    }
    PublicKey serverKey = null;
    if (!w.getNodeKey().isEmpty()) {
      serverKey = WireIds.key(w.getNodeKey());
      byte[] transcript = Transcripts.server(clientKey, w.getNodeKey(), clientNonce, w.getNonce());
      try {
        o.verifier().verify(serverKey, transcript, w.getProof().toByteArray());
      } catch (SignatureException e) {
        throw new SignatureException(peer + " did not prove its node key " + serverKey.keyId());
      }
    } else if (!w.getProof().isEmpty()) {
      throw new ProtocolException(peer + " sent a proof without a node key");
    }
    if (o.expectedServerKey() != null && !o.expectedServerKey().equals(serverKey)) {
      throw new SignatureException(peer + " is " + (serverKey == null ? "anonymous" : "key " + serverKey.keyId())
          + ", expected key " + o.expectedServerKey().keyId());
    }

    Auth.Builder auth = Auth.newBuilder();
    if (o.identity() != null) {
      byte[] transcript = Transcripts.client(clientKey, w.getNodeKey(), clientNonce, w.getNonce());
      auth.setProof(UnsafeByteOperations.unsafeWrap(o.identity().sign(transcript)));
    }
    hsWriter.write(Frame.newBuilder().setAuth(auth).build());

    Frame r = expect(reader.read(), peer, "Ready");
    if (!r.hasReady()) {
      throw new ProtocolException("expected Ready from " + peer + ", got " + r.getBodyCase());
    }
    Set<Permission> perms = EnumSet.noneOf(Permission.class);
    for (io.chasm.wire.proto.peer.Permission p : r.getReady().getPermissionsList()) {
      Permission known = ProtoEnums.permission(p);
      if (known != null) {
        perms.add(known);
      }
    }
    FrameWriter writer = new FrameWriter(out, Math.min(o.limits().maxFrameBytes(), w.getMaxFrameBytes()));
    return new Session(in, out, reader, writer, w, serverKey, perms);
  }

  private static Frame expect(Frame f, String peer, String what) throws ChasmException {
    if (f == null) {
      throw new TransportException(peer + " closed the connection before " + what);
    }
    if (f.hasGoodbye()) {
      Goodbye g = f.getGoodbye();
      throw new PeerErrorException(ProtoEnums.errorCode(g.getCode()), peer + " refused: " + g.getCode() + ": " + g.getMessage());
    }
    return f;
  }
}
