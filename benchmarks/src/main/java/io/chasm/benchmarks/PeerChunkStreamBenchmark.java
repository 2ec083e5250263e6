package io.chasm.benchmarks;

import io.chasm.api.Hash;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transports;
import io.chasm.testkit.InMemoryBackend;
import io.chasm.wire.ChunkFetch;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.PeerServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Chunk streaming over loopback: a {@link PeerClient} fetching 32 MiB of 256 KiB chunks from a
 * {@link PeerServer} (framing, protobuf, per-chunk SHA-256 verification included) against the
 * anchor, the same 32 MiB pushed through a bare connection of the same transport.
 * {@code bench/wire-throughput.sh} prints MB/s and the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class PeerChunkStreamBenchmark {
  /** Bytes moved per benchmark operation. */
  public static final int TOTAL = 32 << 20;
  private static final int CHUNK = 256 << 10;

  @Param({"tcp", "unix"})
  String transport;

  private Path dir;
  private PeerServer server;
  private PeerClient client;
  private List<Hash> ids;
  private Listener rawListener;
  private Thread rawServer;
  private Connection raw;
  private final byte[] rawBuffer = new byte[1 << 20];

  private URI uri(String name) {
    return transport.equals("tcp") ? URI.create("tcp://127.0.0.1:0") : URI.create("unix://" + dir.resolve(name + ".sock"));
  }

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Files.createTempDirectory("chasm-bench");
    InMemoryBackend backend = new InMemoryBackend().putHead("bench", new byte[] {1});
    Random rnd = new Random(1);
    ids = new ArrayList<>();
    for (int i = 0; i < TOTAL / CHUNK; i++) {
      byte[] c = new byte[CHUNK];
      rnd.nextBytes(c);
      ids.add(backend.putChunk(c));
    }
    server = PeerServer.builder(backend).build();
    client = PeerClient.connect(server.listen(uri("peer")), ClientOptions.defaults().withZstd(false));

    rawListener = Transports.listen(uri("raw"));
    byte[] payload = new byte[1 << 20];
    rnd.nextBytes(payload);
    rawServer = new Thread(() -> {
      try (Connection c = rawListener.accept()) {
        InputStream in = c.input();
        OutputStream out = c.output();
        while (in.read() >= 0) {
          for (int sent = 0; sent < TOTAL; sent += payload.length) {
            out.write(payload);
          }
          out.flush();
        }
      } catch (Exception e) {
        // Trial over.
      }
    });
    rawServer.setDaemon(true);
    rawServer.start();
    raw = Transports.connect(rawListener.uri());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    client.close();
    server.close();
    raw.close();
    rawListener.close();
  }

  /** 32 MiB of verified chunks through the peer protocol. */
  @Benchmark
  public long peerProtocol() throws Exception {
    ChunkFetch f = PeerClient.await(client.chunks("bench", ids, (id, data) -> {}));
    if (f.rawBytes() != TOTAL) {
      throw new IllegalStateException("short fetch: " + f.rawBytes());
    }
    return f.rawBytes();
  }

  /** 32 MiB through a bare connection: the transport's ceiling. */
  @Benchmark
  public long bareTransport() throws Exception {
    raw.output().write(1);
    raw.output().flush();
    long got = 0;
    InputStream in = raw.input();
    while (got < TOTAL) {
      int n = in.read(rawBuffer, 0, (int) Math.min(rawBuffer.length, TOTAL - got));
      if (n < 0) {
        throw new IllegalStateException("raw server closed");
      }
      got += n;
    }
    return got;
  }
}
