package io.chasm.tck;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.HashMismatchException;
import io.chasm.testkit.InMemoryBackend;
import io.chasm.wire.peer.PeerServer;
import java.net.URI;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The TCK fails, naming the rule, against deliberately broken servers. */
class PeerServerVerificationSelfTest {
  /** A server whose backend gets {@code breakIt} applied after the fixture is loaded. */
  static PeerServerVerification broken(Consumer<InMemoryBackend> breakIt) {
    return new PeerServerVerification() {
      PeerServer server;

      @Override
      protected URI startServer(PeerFixture f) throws Exception {
        InMemoryBackend b = new InMemoryBackend().putHead(PeerFixture.REPOSITORY, f.head());
        f.objects().forEach(b::putObject);
        f.chunks().values().forEach(b::putChunk);
        breakIt.accept(b);
        server = PeerServer.builder(b).build();
        return server.listen(URI.create("tcp://127.0.0.1:0"));
      }

      @Override
      protected void stopServer() {
        server.close();
      }
    };
  }

  interface TckTest {
    void run(PeerServerVerification v) throws Exception;
  }

  static void runOne(PeerServerVerification v, TckTest test) throws Exception {
    v.startTheServer();
    try {
      test.run(v);
    } finally {
      v.stopTheServer();
    }
  }

  @Test
  void headNotRelayedByteForByte_failsSpec9_6() {
    PeerServerVerification v = broken(b -> b.putHead(PeerFixture.REPOSITORY, "re-encoded envelope".getBytes()));
    assertThatThrownBy(() -> runOne(v, PeerServerVerification::required_spec9_6_headIsTheExactEnvelope))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("§9.6: the envelope must be relayed byte for byte");
  }

  @Test
  void wrongChunkBytes_failsSpec9_9WithTheChunkNamed() {
    PeerFixture sample = PeerFixture.create();
    PeerServerVerification v = broken(b -> b.putChunk(sample.chunkIds().get(2), "tampered".getBytes()));
    assertThatThrownBy(() -> runOne(v, PeerServerVerification::required_spec9_9_chunksAreServedAndVerify))
        .hasRootCauseInstanceOf(HashMismatchException.class)
        .rootCause().hasMessageContaining("chunk " + sample.chunkIds().get(2));
  }

  @Test
  void wrongObjectBytes_failsSpec9_7() {
    PeerFixture sample = PeerFixture.create();
    PeerServerVerification v = broken(b -> b.putObject(sample.rootTree(), new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> runOne(v, PeerServerVerification::required_spec9_7_objectsComeInRequestOrderThenEnd))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("§9.7: canonical encoding of " + sample.rootTree());
  }
}
