package io.chasm.wire.internal.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.api.SignatureException;
import io.chasm.api.trust.PublicKey;
import io.chasm.wire.Capabilities;
import io.chasm.wire.WireLimits;
import io.chasm.wire.internal.Transcripts;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.AccessPolicy;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Permission;
import io.chasm.wire.proto.peer.Ready;
import io.chasm.wire.proto.peer.Welcome;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server side of the handshake (SPEC §8): Hello, Welcome with our proof, Auth, Ready. */
final class ServerHandshake {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private ServerHandshake() {}

  /**
   * What the handshake settled for the rest of the connection.
   *
   * @param sendLimit largest frame the client accepts (Hello.max_frame_bytes, capped by ours)
   */
  record Agreement(Set<String> capabilities, int sendLimit, Set<Permission> permissions) {}

  /**
   * Runs the handshake.
   *
   * @return what was agreed, or null if the client left or was refused (with a Goodbye)
   */
  static Agreement run(ServerConnection connection, FrameReader reader, FrameWriter writer, ServerConfig config)
      throws IOException, ChasmException {
    Frame first = reader.read();
    if (first == null) {
      return null;
    }
    if (!first.hasHello()) {
      throw new ProtocolException("expected Hello, got " + first.getBodyCase());
    }
    Hello hello = first.getHello();
    if (hello.getMinVersion() > hello.getMaxVersion()) {
      throw new ProtocolException("Hello version range " + hello.getMinVersion() + ".." + hello.getMaxVersion() + " is empty");
    }
    if (hello.getMinVersion() > Capabilities.PROTOCOL_VERSION || hello.getMaxVersion() < Capabilities.PROTOCOL_VERSION) {
      connection.goodbye(ErrorCode.UNSUPPORTED_VERSION, "this server speaks version " + Capabilities.PROTOCOL_VERSION
          + ", client " + hello.getMinVersion() + ".." + hello.getMaxVersion());
      return null;
    }
    if (hello.getNonce().size() != Capabilities.NONCE_BYTES) {
      throw new ProtocolException("Hello nonce must be " + Capabilities.NONCE_BYTES + " bytes, got " + hello.getNonce().size());
    }
    int clientMax = hello.getMaxFrameBytes() == 0 ? WireLimits.DEFAULT_MAX_FRAME_BYTES : hello.getMaxFrameBytes();
    if (Integer.toUnsignedLong(clientMax) < WireLimits.MIN_FRAME_BYTES) {
      throw new ProtocolException("Hello max_frame_bytes " + Integer.toUnsignedString(clientMax) + " is below the minimum of " + WireLimits.MIN_FRAME_BYTES);
    }
    int sendLimit = (int) Math.min(config.limits().maxFrameBytes(), Integer.toUnsignedLong(clientMax));
    checkTexts("capabilities", hello.getCapabilitiesList());
    checkTexts("agent", List.of(hello.getAgent()));
    PublicKey clientKey = hello.getNodeKey().isEmpty() ? null : WireIds.key(hello.getNodeKey());

    List<String> common = new ArrayList<>();
    for (String c : config.capabilities()) {
      if (hello.getCapabilitiesList().contains(c)) {
        common.add(c);
      }
    }
    Set<String> capabilities = Set.copyOf(common);
    byte[] nonce = new byte[Capabilities.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    ByteString serverNonce = UnsafeByteOperations.unsafeWrap(nonce);
    ByteString serverKey = config.identity() == null ? ByteString.EMPTY : WireIds.key(config.identity().publicKey());
    Welcome.Builder w = Welcome.newBuilder()
        .setVersion(Capabilities.PROTOCOL_VERSION)
        .addAllCapabilities(common)
        .setNodeKey(serverKey)
        .setNonce(serverNonce)
        .setPolicy(config.allowlist() == null ? AccessPolicy.OPEN_READ_ONLY : AccessPolicy.ALLOWLIST)
        .setMaxFrameBytes(config.limits().maxRequestFrameBytes())
        .setMaxOutstanding(config.limits().maxOutstanding())
        .setMaxIdsPerRequest(config.limits().maxIdsPerRequest())
        .setAgent(config.agent());
    if (config.identity() != null) {
      byte[] transcript = Transcripts.server(hello.getNodeKey(), serverKey, hello.getNonce(), serverNonce);
      w.setProof(UnsafeByteOperations.unsafeWrap(config.identity().sign(transcript)));
    }
    connection.welcomed();
    writer.write(Frame.newBuilder().setWelcome(w).build());

    Frame second = reader.read();
    if (second == null) {
      return null;
    }
    if (!second.hasAuth()) {
      throw new ProtocolException("expected Auth, got " + second.getBodyCase());
    }
    Auth auth = second.getAuth();
    boolean proven = false;
    if (clientKey != null) {
      byte[] transcript = Transcripts.client(hello.getNodeKey(), serverKey, hello.getNonce(), serverNonce);
      try {
        config.verifier().verify(clientKey, transcript, auth.getProof().toByteArray());
        proven = true;
      } catch (SignatureException e) {
        connection.goodbye(ErrorCode.BAD_PROOF, "client proof does not verify for key " + clientKey.keyId());
        return null;
      }
    } else if (!auth.getProof().isEmpty()) {
      throw new ProtocolException("Auth carries a proof but Hello named no key");
    }
    if (config.allowlist() != null && !(proven && (config.allowlist().contains(clientKey) || config.announcers().contains(clientKey)))) {
      connection.goodbye(ErrorCode.UNAUTHORIZED, clientKey == null ? "this server serves only allowlisted keys"
          : "key " + clientKey.keyId() + " is not on this server's allowlist");
      return null;
    }
    Set<Permission> permissions = EnumSet.of(Permission.READ);
    if (config.anyoneMayAnnounce() || (proven && config.announcers().contains(clientKey))) {
      permissions.add(Permission.ANNOUNCE);
    }
    // Before Ready is written: once the client has read Ready, the idle clock must be running.
    connection.handshakeDone();
    writer.write(Frame.newBuilder().setReady(Ready.newBuilder().addAllPermissions(permissions)).build());
    LOG.debug("connection {} ready (key {}, permissions {})", connection.peer(), clientKey == null ? "anonymous" : clientKey.keyId(), permissions);
    return new Agreement(capabilities, sendLimit, permissions);
  }

  private static void checkTexts(String what, List<String> texts) throws LimitExceededException {
    if (texts.size() > Capabilities.MAX_CAPABILITIES) {
      throw new LimitExceededException(what + ": " + texts.size() + " entries, over the limit of " + Capabilities.MAX_CAPABILITIES);
    }
    for (String t : texts) {
      if (t.length() > Capabilities.MAX_TEXT_BYTES) {
        throw new LimitExceededException(what + ": an entry of " + t.length() + " characters, over the limit of " + Capabilities.MAX_TEXT_BYTES);
      }
    }
  }
}
