package io.chasm.wire.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.HeadListener;
import io.chasm.wire.Subscription;
import io.chasm.wire.peer.PeerClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chasm serve} pushes a newly recorded snapshot without polling: its poll is set to an hour. */
class TreeServerNotifyTest {
  @TempDir Path tmp;

  @Test
  void aPublishIsPushed_byFileSystemNotification() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Trees.write(dir.resolve("a"), "one\n");
    Origin origin = Origin.create(Files.createDirectories(tmp.resolve("keys")));
    origin.publish(dir, "demo");
    AtomicLong pushed = new AtomicLong();
    try (TreeServer s = TreeServer.start(dir, null, List.of(URI.create("tcp://127.0.0.1:0")), b -> b, Duration.ofHours(1));
        PeerClient c = PeerClient.connect(s.uris().get(0))) {
      Subscription sub = c.subscribe("default", new HeadListener() {
        @Override
        public void onHead(String repository, byte[] envelope) {
          try {
            pushed.accumulateAndGet(SignedSnapshot.decode(envelope).snapshot().sequence(), Math::max);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> pushed.get() == 1);
      Trees.write(dir.resolve("a"), "two\n");
      origin.publish(dir, "demo");
      await().atMost(Duration.ofSeconds(60)).until(() -> pushed.get() == 2);
      assertThat(s.tree().sequence()).isEqualTo(2);
      sub.close();
    }
  }
}
