package io.chasm.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.ProtocolException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Transports;
import io.chasm.api.trust.Signer;
import io.chasm.wire.Capabilities;
import io.chasm.wire.WireLimits;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Welcome;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A framed connection without protocol logic: sends whatever frames or bytes it is told and reads
 * what comes back. For conformance tests (the TCK) and hostile-peer tests, which must be able to
 * break every rule; applications use {@link io.chasm.wire.peer.PeerClient}.
 */
public final class RawConnection implements Closeable {
  /** SPEC §8.4: the context of the client's proof. */
  private static final String CLIENT_CONTEXT = "chasm-peer-v1 client proof";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Connection connection;
  private final InputStream in;
  private final OutputStream out;
  private final int maxFrameBytes;
  private Welcome welcome;

  public RawConnection(Connection connection, int maxFrameBytes) throws IOException {
    this.connection = connection;
    this.in = new BufferedInputStream(connection.input(), 64 << 10);
    this.out = connection.output();
    this.maxFrameBytes = maxFrameBytes;
  }

  public static RawConnection connect(URI uri) throws TransportException, IOException {
    return new RawConnection(Transports.connect(uri), WireLimits.DEFAULT_MAX_FRAME_BYTES);
  }

  /** A Hello for version 1 with every capability, anonymous, with a fresh nonce. */
  public static Hello.Builder hello() {
    byte[] nonce = new byte[Capabilities.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return Hello.newBuilder().setMinVersion(1).setMaxVersion(1).addAllCapabilities(Capabilities.ALL)
        .setNonce(UnsafeByteOperations.unsafeWrap(nonce)).setAgent("chasm-raw");
  }

  /**
   * Runs a correct client handshake (anonymous if {@code identity} is null) and returns the
   * frame that answered Auth: Ready, or a Goodbye.
   *
   * @throws ProtocolException if the server does not answer Hello with a Welcome
   */
  public Frame handshake(Signer identity) throws IOException, ChasmException {
    Hello.Builder h = hello();
    ByteString clientKey = identity == null ? ByteString.EMPTY : RawIds.key(identity.publicKey());
    h.setNodeKey(clientKey);
    Hello hello = h.build();
    send(Frame.newBuilder().setHello(hello).build());
    Frame w = read();
    if (w == null || !w.hasWelcome()) {
      throw new ProtocolException("expected Welcome, got " + (w == null ? "end of stream" : w.getBodyCase()));
    }
    welcome = w.getWelcome();
    Auth.Builder auth = Auth.newBuilder();
    if (identity != null) {
      auth.setProof(UnsafeByteOperations.unsafeWrap(identity.sign(
          clientTranscript(clientKey, welcome.getNodeKey(), hello.getNonce(), welcome.getNonce()))));
    }
    send(Frame.newBuilder().setAuth(auth).build());
    return read();
  }

  /**
   * What a client signs (SPEC §8.4): {@code context NUL || u8 len || client key || u8 len || server
   * key || client nonce || server nonce}.
   */
  public static byte[] clientTranscript(ByteString clientKey, ByteString serverKey, ByteString clientNonce, ByteString serverNonce) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(160);
    b.writeBytes(CLIENT_CONTEXT.getBytes(StandardCharsets.US_ASCII));
    b.write(0);
    b.write(clientKey.size());
    b.writeBytes(clientKey.toByteArray());
    b.write(serverKey.size());
    b.writeBytes(serverKey.toByteArray());
    b.writeBytes(clientNonce.toByteArray());
    b.writeBytes(serverNonce.toByteArray());
    return b.toByteArray();
  }

  /** The Welcome of the last {@link #handshake}, or null. */
  public Welcome welcome() {
    return welcome;
  }

  public synchronized void send(Frame f) throws IOException {
    RawFrames.write(out, f);
  }

  public void send(Request.Builder r) throws IOException {
    send(Frame.newBuilder().setRequest(r).build());
  }

  /** Writes bytes as they are: a malformed frame, a bogus length, garbage. */
  public synchronized void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next frame, or null at a clean end of stream. */
  public Frame read() throws IOException, ChasmException {
    return RawFrames.read(in, maxFrameBytes);
  }

  public Connection connection() {
    return connection;
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
