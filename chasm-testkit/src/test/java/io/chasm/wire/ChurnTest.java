package io.chasm.wire;

import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.peer.PeerServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.testkit.InMemoryBackend;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many clients come and go: threads, file descriptors and server state return to where they were. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChurnTest {
  private static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? 0 : fds.length;
  }

  @Test
  void connectRequestClose_manyTimes_resourcesStayFlat() throws Exception {
    InMemoryBackend backend = new InMemoryBackend().putHead("r", new byte[] {1});
    try (PeerServer server = PeerServer.builder(backend).build()) {
      URI uri = server.listen(URI.create("tcp://127.0.0.1:0"));
      for (int i = 0; i < 20; i++) {
        try (PeerClient c = PeerClient.connect(uri)) {
          PeerClient.await(c.head("r"));
          c.subscribe("r", (r, e) -> {});
        }
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
      int threads = Thread.activeCount();
      int fds = openFds();
      for (int i = 0; i < 300; i++) {
        try (PeerClient c = PeerClient.connect(uri)) {
          PeerClient.await(c.head("r"));
          c.subscribe("r", (r, e) -> {});
        }
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(server.connectionCount()).isZero();
        assertThat(server.subscriptionCount()).isZero();
        // Slack for idle pool threads (kept 30 s) on a loaded machine; a leak per connection is 300.
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 16);
        assertThat(openFds()).isLessThanOrEqualTo(fds + 16);
      });
    }
  }
}
