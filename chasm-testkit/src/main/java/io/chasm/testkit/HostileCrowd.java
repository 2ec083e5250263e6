package io.chasm.testkit;

import io.chasm.api.Hash;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.Request;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds many sockets against a TCP server that never complete any useful work (the load of
 * issue 14's admission test): silent ones, ones that send one byte, ones that send a valid Hello
 * and stop, and slow readers that finish the handshake, ask for many chunks and read a few bytes
 * a second. They come from {@code 127.0.0.2} upwards, {@code perAddress} per source address
 * (Linux routes all of 127/8 to loopback), so that per-address limits do not simply refuse them.
 * A background thread reopens every socket the server closes, so the crowd stays at its size
 * until {@link #close()}.
 */
public final class HostileCrowd implements Closeable {
  /** What one socket does. */
  public enum Kind { SILENT, ONE_BYTE, HELLO_THEN_SILENT, SLOW_READER }

  private static final int SLOW_READ_BYTES = 4;

  private final InetSocketAddress server;
  private final String repository;
  private final List<Hash> chunks;
  private final Slot[] slots;
  private final Thread keeper;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong closedByServer = new AtomicLong();
  private final AtomicLong failedToOpen = new AtomicLong();
  private volatile boolean closing;

  private static final class Slot {
    final Kind kind;
    final InetAddress source;
    SocketChannel channel;

    Slot(Kind kind, InetAddress source) {
      this.kind = kind;
      this.source = source;
    }
  }

  private HostileCrowd(URI uri, int count, int perAddress, String repository, List<Hash> chunks) throws IOException {
    this.server = new InetSocketAddress(uri.getHost(), uri.getPort());
    this.repository = repository;
    this.chunks = List.copyOf(chunks);
    this.slots = new Slot[count];
    Kind[] kinds = Kind.values();
    for (int i = 0; i < count; i++) {
      int a = 2 + i / perAddress;
      InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, (byte) (a >> 8), (byte) a});
      slots[i] = new Slot(kinds[i % kinds.length], source);
    }
    this.keeper = new Thread(this::keep, "hostile-crowd");
    this.keeper.setDaemon(true);
  }

  /**
   * Opens {@code count} sockets (kinds in turn) and keeps them open until closed.
   *
   * @param perAddress sockets per source address
   * @param chunks chunk ids the slow readers ask for (the bigger, the more the server must write)
   */
  public static HostileCrowd open(URI tcp, int count, int perAddress, String repository, List<Hash> chunks)
      throws IOException {
    HostileCrowd c = new HostileCrowd(tcp, count, perAddress, repository, chunks);
    for (Slot s : c.slots) {
      c.connect(s);
    }
    c.keeper.start();
    return c;
  }

  /** Connections made so far (the first ones and every reopening). */
  public long opened() {
    return opened.get();
  }

  /** Sockets the server closed (cut off, refused, evicted). */
  public long closedByServer() {
    return closedByServer.get();
  }

  /** Connection attempts that failed (e.g. a full accept queue). */
  public long failedToOpen() {
    return failedToOpen.get();
  }

  public int size() {
    return slots.length;
  }

  private void connect(Slot s) {
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open();
      ch.bind(new InetSocketAddress(s.source, 0));
      ch.socket().connect(server, 2000);
      ch.configureBlocking(false);
      opened.incrementAndGet();
      switch (s.kind) {
        case SILENT -> { }
        case ONE_BYTE -> write(ch, new byte[] {0});
        case HELLO_THEN_SILENT -> write(ch, RawFrames.encode(Frame.newBuilder().setHello(RawConnection.hello()).build()));
        case SLOW_READER -> askMuchAndRead(ch);
      }
      s.channel = ch;
    } catch (IOException e) {
      failedToOpen.incrementAndGet();
      closeQuietly(ch);
      s.channel = null;
    }
  }

  /** A correct anonymous handshake, then requests whose replies fill every buffer on the way. */
  private void askMuchAndRead(SocketChannel ch) throws IOException {
    write(ch, RawFrames.encode(Frame.newBuilder().setHello(RawConnection.hello()).build()));
    Frame welcome = readFrame(ch);
    if (welcome == null || !welcome.hasWelcome()) {
      throw new IOException("no Welcome");
    }
    write(ch, RawFrames.encode(Frame.newBuilder().setAuth(Auth.getDefaultInstance()).build()));
    Frame ready = readFrame(ch);
    if (ready == null || !ready.hasReady()) {
      throw new IOException("no Ready");
    }
    if (chunks.isEmpty()) {
      return;
    }
    GetChunks.Builder g = GetChunks.newBuilder().setRepository(repository);
    int max = welcome.getWelcome().getMaxIdsPerRequest();
    for (int i = 0; i < max; i++) {
      g.addIds(RawIds.hash(chunks.get(i % chunks.size())));
    }
    for (long id = 1; id <= 4; id++) {
      write(ch, RawFrames.encode(Frame.newBuilder().setRequest(Request.newBuilder().setId(id).setGetChunks(g)).build()));
    }
  }

  /** One frame from a non-blocking channel, waiting at most 5 s (a full server may never answer). */
  private static Frame readFrame(SocketChannel ch) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(4);
    fill(ch, header);
    int length = header.getInt(0);
    if (length <= 0 || length > 1 << 20) {
      throw new IOException("bad frame length " + length);
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    fill(ch, payload);
    try {
      return Frame.parseFrom(payload.array());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void fill(SocketChannel ch, ByteBuffer b) throws IOException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException("closed by the server");
      }
      if (b.hasRemaining()) {
        if (System.nanoTime() > deadline) {
          throw new IOException("no answer in 5 s");
        }
        sleep(5);
      }
    }
  }

  private static void write(SocketChannel ch, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (b.hasRemaining()) {
      if (ch.write(b) == 0) {
        if (System.nanoTime() > deadline) {
          return; // The server stopped reading: that is all a hostile writer wants.
        }
        sleep(5);
      }
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
  }

  /** Every 100 ms: notices sockets the server closed and opens them again; slow readers read a little. */
  private void keep() {
    ByteBuffer drain = ByteBuffer.allocate(64 << 10);
    while (!closing) {
      for (Slot s : slots) {
        if (closing) {
          return;
        }
        if (s.channel == null) {
          connect(s);
          continue;
        }
        try {
          drain.clear();
          // Only the slow reader is limited; the others read nothing but the end of the stream,
          // and what a server sends them (a Welcome, a Goodbye) has to be read to notice that end.
          drain.limit(s.kind == Kind.SLOW_READER ? SLOW_READ_BYTES : drain.capacity());
          if (s.channel.read(drain) < 0) {
            closedByServer.incrementAndGet();
            closeQuietly(s.channel);
            connect(s);
          }
        } catch (IOException e) {
          closedByServer.incrementAndGet();
          closeQuietly(s.channel);
          connect(s);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Closing a socket the server already dropped.
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    keeper.interrupt();
    try {
      keeper.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Slot s : slots) {
      closeQuietly(s.channel);
    }
  }
}
