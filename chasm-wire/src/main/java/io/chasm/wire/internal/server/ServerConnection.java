package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.api.transport.Connection;
import io.chasm.wire.internal.ChunkCodec;
import io.chasm.wire.internal.TimedOutputStream;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Goodbye;
import io.chasm.wire.proto.peer.Reply;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the server: handshake, then requests answered in arrival order on
 * this connection's thread (pipelining fills the pipe; TCP flow control bounds what a client can
 * queue). Subscription pushes come from other threads through the same thread-safe writer.
 */
public final class ServerConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

  private final Connection connection;
  private final ServerConfig config;
  private final Consumer<ServerConnection> onClose;
  private final Consumer<String> onAnnounced;
  private final TimedOutputStream out;
  private final FrameWriter writer;
  private final ReplyWriter replies;
  private final ConnectionSubscriptions subs;
  private final ConnectionActivity activity;
  /** Used by this connection's thread only (items are built there). */
  private final ChunkCodec codec = new ChunkCodec();
  private volatile boolean closed;

  public ServerConnection(
      Connection connection,
      ServerConfig config,
      Subscriptions subscriptions,
      Consumer<ServerConnection> onClose,
      Consumer<String> onAnnounced)
      throws IOException {
    this.connection = connection;
    this.config = config;
    this.onClose = onClose;
    this.onAnnounced = onAnnounced;
    this.out = new TimedOutputStream(connection.output(), config.ticker());
    this.writer = new FrameWriter(out, config.limits().maxFrameBytes());
    this.replies = new ReplyWriter(writer);
    this.subs = new ConnectionSubscriptions(this, config, subscriptions, replies);
    this.activity = new ConnectionActivity(config.ticker(), config.serverLimits(), subs::any, out::blockedFor);
  }

  /** The underlying connection (its remote address decides admission). */
  public Connection connection() {
    return connection;
  }

  public ConnectionActivity activity() {
    return activity;
  }

  public String peer() {
    return connection.peerDescription();
  }

  @Override
  public void run() {
    try (codec) {
      FrameReader reader =
          new FrameReader(new BufferedInputStream(connection.input(), 64 << 10), config.limits().maxRequestFrameBytes())
              .observe(activity);
      ServerHandshake.Agreement agreed = ServerHandshake.run(this, reader, writer, config);
      if (agreed == null) {
        return;
      }
      RequestDispatcher requests = new RequestDispatcher(peer(), config, replies,
          new ItemServer(peer(), config, replies, codec, agreed), subs, agreed, onAnnounced);
      for (Frame f; (f = reader.read()) != null; activity.idle()) {
        activity.serving();
        switch (f.getBodyCase()) {
          case REQUEST -> requests.handle(f.getRequest());
          case GOODBYE -> {
            return;
          }
          default -> throw new ProtocolException("unexpected " + f.getBodyCase() + " frame from a client");
        }
      }
    } catch (LimitExceededException e) {
      goodbye(ErrorCode.LIMIT, e.getMessage());
    } catch (ChasmException e) {
      goodbye(ErrorCode.BAD_REQUEST, e.getMessage());
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("connection {} lost: {}", peer(), e.toString());
      }
    } catch (RuntimeException e) {
      LOG.warn("connection {} failed", peer(), e);
      goodbye(ErrorCode.INTERNAL, "internal error");
    } finally {
      close();
    }
  }

  void welcomed() {
    activity.welcomed();
  }

  void handshakeDone() {
    activity.ready();
  }

  /** Sends {@code envelope} to a subscriber unless it already has it. */
  void push(Subscriptions.Sub s, byte[] envelope) {
    if (closed || !s.shouldSend(Hash.sha256(envelope))) {
      return;
    }
    try {
      replies.reply(s.requestId, Reply.newBuilder().setHead(RequestDispatcher.headOf(s.repository, envelope,
          RequestDispatcher.holdersOf(config, peer(), s.repository))), true);
    } catch (IOException e) {
      LOG.debug("push to {} failed: {}", peer(), e.toString());
      close();
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /** Sends a Goodbye (best effort) and closes. */
  public void goodbye(ErrorCode code, String message) {
    try {
      writer.write(Frame.newBuilder().setGoodbye(Goodbye.newBuilder().setCode(code).setMessage(message)).build());
    } catch (IOException | LimitExceededException | RuntimeException ignored) {
      // The peer may be gone already; closing is what matters.
    }
    close();
  }

  /**
   * Ends the connection for {@code why}: with a Goodbye if nothing is being written (the peer
   * learns why), silently if a write is in progress, since a Goodbye would wait behind it for a
   * peer that may not be reading.
   */
  public void cutOff(String why) {
    if (out.blockedFor(config.ticker().nanos()) > 0) {
      close();
    } else {
      goodbye(ErrorCode.UNAVAILABLE, why);
    }
  }

  /** Why this connection must be cut off at ticker time {@code now} (a deadline passed), or null. */
  public String overdue(long now) {
    return activity.overdue(now);
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    subs.closeAll();
    try {
      connection.close();
    } catch (IOException ignored) {
      // Closing a broken connection may fail; it is closed either way.
    }
    onClose.accept(this);
  }
}
