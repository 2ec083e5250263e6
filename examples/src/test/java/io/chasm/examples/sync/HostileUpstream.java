package io.chasm.examples.sync;

import com.google.protobuf.ByteString;
import io.chasm.wire.Capabilities;
import io.chasm.wire.FrameReader;
import io.chasm.wire.FrameWriter;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.WireIds;
import io.chasm.wire.proto.peer.AccessPolicy;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Head;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.Permission;
import io.chasm.wire.proto.peer.Ready;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Welcome;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A server that speaks the handshake correctly, answers GetHead with a given (valid) envelope,
 * then breaks the protocol on the first object request: an oversized frame, or an endless
 * stream of items. Loopback only; one connection at a time; stops when closed.
 */
final class HostileUpstream implements Closeable {
  enum Mode {
    OVERSIZED_FRAME,
    ENDLESS_ITEMS
  }

  private final ServerSocket socket;
  private final Mode mode;
  private final byte[] envelope;
  private final RepositoryBackend objects;
  private final Thread thread;

  /** {@code objects} supplies real object bytes, so the stream is wrong only in its length. */
  HostileUpstream(Mode mode, byte[] envelope, RepositoryBackend objects) throws IOException {
    this.mode = mode;
    this.envelope = envelope;
    this.objects = objects;
    this.socket = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::acceptLoop, "hostile-upstream");
    thread.setDaemon(true);
    thread.start();
  }

  URI uri() {
    return URI.create("tcp://127.0.0.1:" + socket.getLocalPort());
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        s.setSoTimeout(20_000);
        serve(s);
      } catch (Exception e) {
        // The client gave up (as it should); wait for the next one.
      }
    }
  }

  private void serve(Socket s) throws Exception {
    FrameReader in = new FrameReader(s.getInputStream(), 1 << 20);
    OutputStream raw = s.getOutputStream();
    FrameWriter out = new FrameWriter(raw, 16 << 20);
    Frame hello = in.read();
    if (hello == null || !hello.hasHello()) {
      return;
    }
    byte[] nonce = new byte[Capabilities.NONCE_BYTES];
    out.write(Frame.newBuilder().setWelcome(Welcome.newBuilder().setVersion(1).setNonce(ByteString.copyFrom(nonce))
        .setPolicy(AccessPolicy.OPEN_READ_ONLY).setMaxFrameBytes(16 << 20).setMaxOutstanding(64)
        .setMaxIdsPerRequest(1024).setAgent("hostile")).build());
    in.read(); // Auth
    out.write(Frame.newBuilder().setReady(Ready.newBuilder().addPermissions(Permission.READ)).build());
    while (true) {
      Frame f = in.read();
      if (f == null || !f.hasRequest()) {
        return;
      }
      Request r = f.getRequest();
      if (r.hasGetHead()) {
        out.write(Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(r.getId())
            .setHead(Head.newBuilder().setRepository(r.getGetHead().getRepository()).setEnvelope(ByteString.copyFrom(envelope)))).build());
        continue;
      }
      switch (mode) {
        case OVERSIZED_FRAME -> {
          byte[] b = new byte[4100];
          b[0] = 0x7f;
          b[1] = (byte) 0xff;
          b[2] = (byte) 0xff;
          b[3] = (byte) 0xf0;
          out.writeRaw(b);
          Thread.sleep(5_000);
          return;
        }
        case ENDLESS_ITEMS -> {
          ByteString id = r.getGetObjects().getIds(0);
          byte[] data = objects.object("", WireIds.objectId(id)).orElseThrow();
          // Far more items than asked for, for as long as the client keeps reading.
          for (long i = 0; i < 10_000_000L; i++) {
            out.write(Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(r.getId())
                .setItem(Item.newBuilder().setId(id).setData(ByteString.copyFrom(data)).setRawSize(data.length))).build());
          }
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
