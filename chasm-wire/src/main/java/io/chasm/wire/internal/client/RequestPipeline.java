package io.chasm.wire.internal.client;

import io.chasm.api.ChasmException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.PeerErrorException;
import io.chasm.wire.internal.ProtoEnums;
import io.chasm.wire.internal.Threads;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.Cancel;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Goodbye;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request machinery of one client connection: request ids, pipelining up to the negotiated
 * number of outstanding requests, the reader thread that routes replies to their {@link Pending},
 * the stall watchdog, and failing everything at once when the connection fails.
 */
public final class RequestPipeline {
  /** Handshake deadlines and stall checks of every client. */
  public static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(Threads.named("chasm-client-timer"));

  private final Connection connection;
  private final String peer;
  private final ClientOptions options;
  private final ClientHandshake.Session session;
  private final FrameReader reader;
  private final FrameWriter writer;
  private final Semaphore permits;
  private final int idsPerRequest;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  /** Used by the reader thread only (decoding happens there). */
  private final ItemDecoder decoder;
  private final ExecutorService callbacks = Executors.newSingleThreadExecutor(Threads.named("chasm-client-callback"));
  private volatile ChasmException failure;
  /** When a frame last arrived, or requests became outstanding after a quiet time. */
  private volatile long lastProgressNanos = System.nanoTime();
  private ScheduledFuture<?> stallWatch;
  private long lastBytesSeen;

  public RequestPipeline(Connection connection, ClientOptions options, ClientHandshake.Session session) {
    this.connection = connection;
    this.peer = connection.peerDescription();
    this.options = options;
    this.session = session;
    this.reader = session.reader();
    this.writer = session.writer();
    this.permits = new Semaphore(Math.min(options.limits().maxOutstanding(), session.welcome().getMaxOutstanding()));
    this.idsPerRequest = Math.min(options.limits().maxIdsPerRequest(), session.welcome().getMaxIdsPerRequest());
    this.decoder = new ItemDecoder(peer, options);
  }

  /** Starts the stall watchdog and the reader thread. */
  public void start() {
    long period = Math.max(50, options.stallTimeout().toMillis() / 4);
    stallWatch = TIMER.scheduleAtFixedRate(this::checkStall, period, period, TimeUnit.MILLISECONDS);
    Thread t = Threads.named("chasm-client-reader").newThread(this::readLoop);
    t.start();
  }

  public String peer() {
    return peer;
  }

  public ClientOptions options() {
    return options;
  }

  /** The negotiated ids-per-request limit. */
  public int idsPerRequest() {
    return idsPerRequest;
  }

  /** Where listener calls run, one at a time, off the reader thread. */
  ExecutorService callbacks() {
    return callbacks;
  }

  ItemDecoder decoder() {
    return decoder;
  }

  public boolean isOpen() {
    return failure == null;
  }

  boolean isOutstanding(long id) {
    return failure == null && pending.containsKey(id);
  }

  /** True if a request other than a subscription is outstanding. */
  private boolean busy() {
    for (Pending p : pending.values()) {
      if (!p.mayIdle()) {
        return true;
      }
    }
    return false;
  }

  /** Runs on the timer thread only. Any byte received counts as progress (a big frame may be slow). */
  private void checkStall() {
    long received = session.in().bytesRead();
    if (received != lastBytesSeen) {
      lastBytesSeen = received;
      lastProgressNanos = System.nanoTime();
      return;
    }
    long quiet = System.nanoTime() - lastProgressNanos;
    if (failure == null && quiet > options.stallTimeout().toNanos() && busy()) {
      fail(new TransportException(peer + " stopped answering (nothing for "
          + TimeUnit.NANOSECONDS.toMillis(quiet) + " ms with requests outstanding)"));
    }
  }

  /** Sends a request; failures go to the pending handler. Returns the request id (0 if not sent). */
  long send(Request.Builder request, Pending p) {
    ChasmException f = failure;
    if (f != null) {
      p.fail(f);
      return 0;
    }
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.fail(new TransportException("interrupted while waiting for a request slot on " + peer));
      return 0;
    }
    long id = nextId.getAndIncrement();
    if (!busy()) {
      lastProgressNanos = System.nanoTime();
    }
    pending.put(id, p);
    if (failure != null && pending.remove(id) != null) {
      permits.release();
      p.fail(failure);
      return 0;
    }
    try {
      writer.write(Frame.newBuilder().setRequest(request.setId(id)).build());
    } catch (LimitExceededException e) {
      if (pending.remove(id) != null) {
        permits.release();
        p.fail(e);
      }
      return 0;
    } catch (IOException e) {
      fail(new TransportException("connection to " + peer + " lost: " + e.getMessage(), e));
      return 0;
    }
    return id;
  }

  /** Asks the server to stop answering request {@code target} (its final reply still comes). */
  void cancel(long target) {
    try {
      writer.write(Frame.newBuilder().setRequest(Request.newBuilder()
          .setId(nextId.getAndIncrement()).setCancel(Cancel.newBuilder().setTargetId(target))).build());
    } catch (IOException | LimitExceededException e) {
      fail(new TransportException("connection to " + peer + " lost: " + e.getMessage(), e));
    }
  }

  private void readLoop() {
    try (decoder) {
      for (Frame f; (f = reader.read()) != null; ) {
        lastProgressNanos = System.nanoTime();
        switch (f.getBodyCase()) {
          case REPLY -> dispatch(f.getReply());
          case GOODBYE -> {
            Goodbye g = f.getGoodbye();
            throw new PeerErrorException(ProtoEnums.errorCode(g.getCode()),
                peer + " closed the connection: " + g.getCode() + ": " + g.getMessage());
          }
          default -> throw new ProtocolException("unexpected " + f.getBodyCase() + " frame from " + peer);
        }
      }
      fail(new TransportException("connection to " + peer + " closed by the peer"));
    } catch (IOException e) {
      fail(new TransportException("connection to " + peer + " lost: " + e.getMessage(), e));
    } catch (ChasmException e) {
      fail(e);
    } catch (RuntimeException e) {
      fail(new ProtocolException("client failed on a reply from " + peer + ": " + e, e));
    }
  }

  private void dispatch(Reply r) throws ChasmException {
    long id = r.getRequestId();
    Pending p = pending.get(id);
    if (p == null) {
      throw new ProtocolException(peer + " replied to request " + id + ", which is not outstanding");
    }
    if (p.onReply(r) && pending.remove(id) != null) {
      permits.release();
    }
  }

  private void fail(ChasmException cause) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = cause;
    }
    closeQuietly(connection);
    if (stallWatch != null) {
      stallWatch.cancel(false);
    }
    for (Long id : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(id);
      if (p != null) {
        permits.release();
        p.fail(cause);
      }
    }
    callbacks.shutdown();
  }

  /** Says Goodbye, closes the connection, fails whatever is outstanding. Idempotent. */
  public void close() {
    if (failure == null) {
      try {
        writer.write(Frame.newBuilder().setGoodbye(Goodbye.newBuilder().setMessage("client closing")).build());
      } catch (IOException | LimitExceededException | RuntimeException ignored) {
        // Closing anyway.
      }
    }
    fail(new TransportException("client for " + peer + " was closed"));
  }

  public static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // Closing a failed connection; the first error is the one reported.
    }
  }
}
