package io.chasm.testkit;

import com.google.protobuf.ByteString;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transports;
import io.chasm.wire.Capabilities;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.proto.peer.AccessPolicy;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Head;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.Permission;
import io.chasm.wire.proto.peer.Ready;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Welcome;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.function.Function;

/**
 * An upstream that does the handshake correctly and then breaks the protocol on purpose, to test
 * that clients fail cleanly. Listens on loopback TCP, serves one connection at a time and stops
 * when closed.
 *
 * <p>On each connection it answers Hello with the configured Welcome and Auth with the configured
 * Ready; then it answers GetHead honestly if it was given an envelope, and hands the first other
 * request to the {@link Script}. After the script it keeps the connection open for a while (so
 * the client sees what was sent, not a closed connection), then closes it.
 */
public final class HostileUpstream implements Closeable {
  /** What the server does with the first request it does not answer honestly. */
  @FunctionalInterface
  public interface Script {
    void run(RawConnection server, Request request) throws Exception;
  }

  /** The two ways {@link #breakingObjects} breaks the first object request. */
  public enum Mode {
    /** A frame header claiming almost 2 GiB, followed by 4 KiB and silence. */
    OVERSIZED_FRAME,
    /** The right object, repeated far more often than it was asked for. */
    ENDLESS_ITEMS
  }

  private static final long HOLD_MILLIS = 5_000;
  private static final int MAX_FRAME_BYTES = 1 << 20;

  private final Listener listener;
  private final Function<Hello, Welcome> welcome;
  private final Ready ready;
  private final byte[] envelope;
  private final Script script;
  private final Thread thread;
  private volatile RawConnection current;

  private HostileUpstream(Function<Hello, Welcome> welcome, Ready ready, byte[] envelope, Script script) throws IOException, TransportException {
    this.welcome = welcome;
    this.ready = ready;
    this.envelope = envelope;
    this.script = script;
    this.listener = Transports.listen(URI.create("tcp://127.0.0.1:0"));
    this.thread = new Thread(this::acceptLoop, "hostile-upstream");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * An upstream that accepts every capability offered, announces small limits (1 MiB frames, 8
   * outstanding requests, 64 ids per request), grants no permission, and runs {@code script} on
   * the very first request.
   */
  public static HostileUpstream scripted(Script script) throws IOException, TransportException {
    return new HostileUpstream(hello -> Welcome.newBuilder().setVersion(1).addAllCapabilities(hello.getCapabilitiesList())
        .setNonce(ByteString.copyFrom(new byte[Capabilities.NONCE_BYTES])).setMaxFrameBytes(1 << 20).setMaxOutstanding(8)
        .setMaxIdsPerRequest(64).build(), Ready.getDefaultInstance(), null, script);
  }

  /**
   * An open, read-only upstream with default limits that answers GetHead with {@code envelope}
   * (valid, so a client goes on to fetch objects) and breaks on the first object request as
   * {@code mode} says. {@code objects} supplies real object bytes, so an endless stream is wrong
   * only in its length.
   */
  public static HostileUpstream breakingObjects(Mode mode, byte[] envelope, RepositoryBackend objects) throws IOException, TransportException {
    Script script = switch (mode) {
      case OVERSIZED_FRAME -> (s, r) -> {
        byte[] b = new byte[4100];
        b[0] = 0x7f;
        b[1] = (byte) 0xff;
        b[2] = (byte) 0xff;
        b[3] = (byte) 0xf0;
        s.sendRaw(b);
      };
      case ENDLESS_ITEMS -> (s, r) -> {
        ByteString id = r.getGetObjects().getIds(0);
        byte[] data = objects.object("", RawIds.objectId(id)).orElseThrow();
        // Far more items than asked for, for as long as the client keeps reading.
        for (long i = 0; i < 10_000_000L; i++) {
          s.send(Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(r.getId())
              .setItem(Item.newBuilder().setId(id).setData(ByteString.copyFrom(data)).setRawSize(data.length))).build());
        }
      };
    };
    return new HostileUpstream(hello -> Welcome.newBuilder().setVersion(1)
        .setNonce(ByteString.copyFrom(new byte[Capabilities.NONCE_BYTES])).setPolicy(AccessPolicy.OPEN_READ_ONLY)
        .setMaxFrameBytes(16 << 20).setMaxOutstanding(64).setMaxIdsPerRequest(1024).setAgent("hostile").build(),
        Ready.newBuilder().addPermissions(Permission.READ).build(), envelope.clone(), script);
  }

  public URI uri() {
    return listener.uri();
  }

  private void acceptLoop() {
    while (true) {
      Connection c;
      try {
        c = listener.accept();
      } catch (Exception e) {
        return; // closed
      }
      try (RawConnection s = new RawConnection(c, MAX_FRAME_BYTES)) {
        current = s;
        serve(s);
      } catch (Exception e) {
        // The client gave up (as it should); wait for the next one.
      } finally {
        current = null;
      }
    }
  }

  private void serve(RawConnection s) throws Exception {
    Frame hello = s.read();
    if (hello == null || !hello.hasHello()) {
      return;
    }
    s.send(Frame.newBuilder().setWelcome(welcome.apply(hello.getHello())).build());
    s.read(); // Auth
    s.send(Frame.newBuilder().setReady(ready).build());
    while (true) {
      Frame f = s.read();
      if (f == null || !f.hasRequest()) {
        return;
      }
      Request r = f.getRequest();
      if (envelope != null && r.hasGetHead()) {
        s.send(Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(r.getId())
            .setHead(Head.newBuilder().setRepository(r.getGetHead().getRepository()).setEnvelope(ByteString.copyFrom(envelope)))).build());
        continue;
      }
      script.run(s, r);
      Thread.sleep(HOLD_MILLIS);
      return;
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    RawConnection c = current;
    if (c != null) {
      c.close();
    }
  }
}
