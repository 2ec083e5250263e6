package io.chasm.wire.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chasm.api.ProtocolException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transport;
import io.chasm.api.transport.Transports;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Goodbye;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport-agnostic suite: every transport re-runs it through a few-line subclass that says
 * where to listen (as Netty's testsuite does for its native transports).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractTransportTest {
  private static final int MAX = 16 << 20;

  protected Listener listener;
  protected ExecutorService pool;

  /** A fresh URI to listen on (port 0, a temp socket path, a unique name). */
  protected abstract URI listenUri() throws Exception;

  /** A URI of the same scheme where nobody listens. */
  protected abstract URI deadUri() throws Exception;

  @BeforeEach
  void start() throws Exception {
    listener = Transports.listen(listenUri());
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Serves one connection by echoing every frame back, until end of stream. */
  private Future<Long> echoOnce() {
    return pool.submit(
        () -> {
          try (Connection c = listener.accept()) {
            FrameReader r = new FrameReader(new BufferedInputStream(c.input(), 65536), MAX);
            FrameWriter w = new FrameWriter(c.output(), MAX);
            long n = 0;
            for (Frame f; (f = r.read()) != null; n++) {
              w.write(f);
            }
            c.output().close();
            return n;
          }
        });
  }

  private static Frame frame(int i, byte[] payload) {
    return Frame.newBuilder()
        .setGoodbye(Goodbye.newBuilder().setMessage("frame " + i).build())
        .build()
        .toBuilder()
        .setGoodbye(Goodbye.newBuilder().setMessage("frame " + i + ":" + ByteString.copyFrom(payload).toStringUtf8()))
        .build();
  }

  @Test
  void transport_isFoundByScheme() throws Exception {
    Transport t = Transports.forUri(listener.uri());
    assertThat(t.schemes()).contains(listener.uri().getScheme());
  }

  @Test
  void echo_framesComeBackInOrder() throws Exception {
    Future<Long> server = echoOnce();
    try (Connection c = Transports.connect(listener.uri())) {
      FrameWriter w = new FrameWriter(c.output(), MAX);
      FrameReader r = new FrameReader(c.input(), MAX);
      for (int i = 0; i < 10; i++) {
        Frame f = frame(i, new byte[] {'x'});
        w.write(f);
        assertThat(r.read()).isEqualTo(f);
      }
      c.output().close();
      assertThat(r.read()).isNull();
    }
    assertThat(server.get()).isEqualTo(10);
  }

  @Test
  void largeTransfer_bothDirectionsAtOnce_arrivesIntact() throws Exception {
    int total = 24 << 20;
    Future<byte[]> server =
        pool.submit(
            () -> {
              try (Connection c = listener.accept()) {
                Future<?> send = pool.submit(() -> {
                  sendRandom(c.output(), total, 2);
                  return null;
                });
                byte[] digest = drain(c.input());
                send.get();
                return digest;
              }
            });
    byte[] expected;
    try (Connection c = Transports.connect(listener.uri())) {
      Future<byte[]> received = pool.submit(() -> drain(c.input()));
      expected = sendRandom(c.output(), total, 1);
      assertThat(received.get()).isEqualTo(randomDigest(total, 2));
    }
    assertThat(server.get()).isEqualTo(expected);
  }

  @Test
  void pipelined_manyFramesInFlightWhileReading_noDeadlock() throws Exception {
    Future<Long> server = echoOnce();
    int frames = 2000;
    byte[] payload = new byte[3000];
    new Random(7).nextBytes(payload);
    try (Connection c = Transports.connect(listener.uri())) {
      FrameWriter w = new FrameWriter(c.output(), MAX);
      FrameReader r = new FrameReader(new BufferedInputStream(c.input()), MAX);
      Future<?> writer =
          pool.submit(
              () -> {
                for (int i = 0; i < frames; i++) {
                  w.write(frame(i, payload), false);
                }
                w.flush();
                c.output().close();
                return null;
              });
      for (int i = 0; i < frames; i++) {
        assertThat(r.read()).isEqualTo(frame(i, payload));
      }
      assertThat(r.read()).isNull();
      writer.get();
    }
    assertThat(server.get()).isEqualTo(frames);
  }

  @Test
  void concurrentConnections_eachGetsItsOwnEcho() throws Exception {
    int clients = 6;
    List<Future<Long>> servers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      servers.add(echoOnce());
    }
    List<Future<?>> done = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      int id = k;
      done.add(pool.submit(() -> {
        try (Connection c = Transports.connect(listener.uri())) {
          FrameWriter w = new FrameWriter(c.output(), MAX);
          FrameReader r = new FrameReader(c.input(), MAX);
          for (int i = 0; i < 50; i++) {
            Frame f = frame(i, ("client" + id).getBytes());
            w.write(f);
            assertThat(r.read()).isEqualTo(f);
          }
          c.output().close();
          assertThat(r.read()).isNull();
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    for (Future<Long> s : servers) {
      assertThat(s.get()).isEqualTo(50);
    }
  }

  @Test
  void halfClose_peerSeesEndOfStreamAndCanStillAnswer() throws Exception {
    Future<Integer> server =
        pool.submit(
            () -> {
              try (Connection c = listener.accept()) {
                byte[] all = c.input().readAllBytes();
                c.output().write(("got " + all.length).getBytes());
                c.output().close();
                return all.length;
              }
            });
    try (Connection c = Transports.connect(listener.uri())) {
      c.output().write(new byte[1234]);
      c.output().close();
      assertThat(new String(c.input().readAllBytes())).isEqualTo("got 1234");
    }
    assertThat(server.get()).isEqualTo(1234);
  }

  @Test
  void peerKilledMidFrame_readerGetsProtocolException() throws Exception {
    pool.submit(
        () -> {
          Connection c = listener.accept();
          OutputStream out = c.output();
          out.write(new byte[] {0, 0, 4, 0}); // claims 1024 bytes
          out.write(new byte[100]);
          out.flush();
          c.close();
          return null;
        });
    try (Connection c = Transports.connect(listener.uri())) {
      FrameReader r = new FrameReader(c.input(), MAX);
      assertThatThrownBy(r::read)
          .isInstanceOf(ProtocolException.class)
          .hasMessage("connection closed inside a frame (100 of 1024 bytes)");
    }
  }

  @Test
  void closeConnection_unblocksItsOwnReader() throws Exception {
    pool.submit(() -> listener.accept());
    Connection c = Transports.connect(listener.uri());
    InputStream in = c.input();
    Future<Integer> blocked = pool.submit(() -> {
      try {
        return in.read();
      } catch (IOException e) {
        return -2;
      }
    });
    Thread.sleep(100);
    c.close();
    assertThat(blocked.get(10, TimeUnit.SECONDS)).isIn(-1, -2);
  }

  @Test
  void accept_afterClose_throwsTransportException() throws Exception {
    listener.close();
    assertThatThrownBy(listener::accept).isInstanceOf(TransportException.class);
  }

  @Test
  void accept_blocked_isReleasedByClose() throws Exception {
    Future<Object> accepting = pool.submit(() -> {
      try {
        return listener.accept();
      } catch (TransportException e) {
        return e;
      }
    });
    Thread.sleep(100);
    listener.close();
    assertThat(accepting.get(10, TimeUnit.SECONDS)).isInstanceOf(TransportException.class);
  }

  @Test
  void connect_whereNobodyListens_throwsTransportException() throws Exception {
    URI dead = deadUri();
    assertThatThrownBy(() -> Transports.connect(dead)).isInstanceOf(TransportException.class);
  }

  @Test
  void connect_afterListenerClosed_throwsTransportException() throws Exception {
    URI uri = listener.uri();
    listener.close();
    assertThatThrownBy(() -> Transports.connect(uri)).isInstanceOf(TransportException.class);
  }

  private static byte[] sendRandom(OutputStream out, int total, long seed) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    Random rnd = new Random(seed);
    byte[] buf = new byte[100_003];
    for (int sent = 0; sent < total; ) {
      int n = Math.min(buf.length, total - sent);
      rnd.nextBytes(buf);
      out.write(buf, 0, n);
      md.update(buf, 0, n);
      sent += n;
    }
    out.close();
    return md.digest();
  }

  private static byte[] randomDigest(int total, long seed) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    Random rnd = new Random(seed);
    byte[] buf = new byte[100_003];
    for (int sent = 0; sent < total; ) {
      int n = Math.min(buf.length, total - sent);
      rnd.nextBytes(buf);
      md.update(buf, 0, n);
      sent += n;
    }
    return md.digest();
  }

  private static byte[] drain(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[65536];
    for (int n; (n = in.read(buf)) >= 0; ) {
      md.update(buf, 0, n);
    }
    return md.digest();
  }
}
