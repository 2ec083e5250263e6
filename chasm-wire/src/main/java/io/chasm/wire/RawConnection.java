package io.chasm.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.ProtocolException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Transports;
import io.chasm.api.trust.Signer;
import io.chasm.wire.internal.Transcripts;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Welcome;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;

/**
 * A framed connection without protocol logic: sends whatever frames or bytes it is told and reads
 * what comes back. For conformance tests (the TCK) and hostile-peer tests, which must be able to
 * break every rule; applications use {@link PeerClient}.
 */
public final class RawConnection implements Closeable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Connection connection;
  private final FrameReader reader;
  private final FrameWriter writer;
  private Welcome welcome;

  public RawConnection(Connection connection, int maxFrameBytes) throws IOException {
    this.connection = connection;
    this.reader = new FrameReader(new BufferedInputStream(connection.input(), 64 << 10), maxFrameBytes);
    this.writer = new FrameWriter(connection.output(), Integer.MAX_VALUE);
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
    ByteString clientKey = identity == null ? ByteString.EMPTY : WireIds.key(identity.publicKey());
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
          Transcripts.client(clientKey, welcome.getNodeKey(), hello.getNonce(), welcome.getNonce()))));
    }
    send(Frame.newBuilder().setAuth(auth).build());
    return read();
  }

  /** The Welcome of the last {@link #handshake}, or null. */
  public Welcome welcome() {
    return welcome;
  }

  public void send(Frame f) throws IOException {
    try {
      writer.write(f);
    } catch (io.chasm.api.LimitExceededException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  public void send(Request.Builder r) throws IOException {
    send(Frame.newBuilder().setRequest(r).build());
  }

  /** Writes bytes as they are: a malformed frame, a bogus length, garbage. */
  public void sendRaw(byte[] bytes) throws IOException {
    writer.writeRaw(bytes);
  }

  /** The next frame, or null at a clean end of stream. */
  public Frame read() throws IOException, ChasmException {
    return reader.read();
  }

  public Connection connection() {
    return connection;
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
