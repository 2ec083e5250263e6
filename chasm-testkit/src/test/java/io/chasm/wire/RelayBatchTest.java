package io.chasm.wire;

import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.peer.ClientBackend;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.testkit.InMemoryBackend;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many chunks through a relay: batched upstream, all verified and in order downstream. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayBatchTest {
  @Test
  void chunks_throughRelay_batchedAndInOrder() throws Exception {
    InMemoryBackend origin = new InMemoryBackend().putHead("r", new byte[] {1});
    Random rnd = new Random(5);
    List<Hash> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[1 + rnd.nextInt(5000)];
      rnd.nextBytes(b);
      ids.add(origin.putChunk(b));
    }
    Hash absent = Hash.sha256(new byte[] {9, 9});
    ids.add(37, absent);
    try (PeerServer oracle = PeerServer.builder(origin).build();
        ClientBackend relay = new ClientBackend(oracle.listen(URI.create("mem://oracle-" + UUID.randomUUID())), ClientOptions.defaults());
        PeerServer front = PeerServer.builder(relay).build();
        PeerClient c = PeerClient.connect(front.listen(URI.create("tcp://127.0.0.1:0")))) {
      List<Hash> order = new ArrayList<>();
      ChunkFetch f = PeerClient.await(c.chunks("r", ids, (id, data) -> order.add(id)));
      assertThat(f.missing()).containsExactly(absent);
      List<Hash> expected = new ArrayList<>(ids);
      expected.remove(absent);
      assertThat(order).isEqualTo(expected);
    }
  }
}
