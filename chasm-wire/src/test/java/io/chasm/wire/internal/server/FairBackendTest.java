package io.chasm.wire.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.wire.ForwardingBackend;
import io.chasm.wire.RepositoryBackend;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class FairBackendTest {
  /**
   * A default method of the interface not forwarded would silently bypass the backend's own
   * override (head gossip once did): the base of the server's decorators forwards them all.
   */
  @Test
  void forwardsEveryMethodOfTheInterface() throws Exception {
    for (Method m : RepositoryBackend.class.getMethods()) {
      Method own = FairBackend.class.getMethod(m.getName(), m.getParameterTypes());
      assertThat(own.getDeclaringClass()).as(m.getName()).isIn(FairBackend.class, ForwardingBackend.class);
    }
  }

  /**
   * One slot; connection A holds it and has many more reads queued; B and C ask meanwhile. A's
   * next read must wait until B and C had theirs: service goes round, not to the longest queue.
   */
  @Test
  void aConnectionWithALongQueue_waitsItsTurnBehindTheOthers() throws Exception {
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch aInside = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    RepositoryBackend slowFirst = new RepositoryBackend() {
      @Override
      public Optional<byte[]> head(String repository) {
        return Optional.empty();
      }

      @Override
      public Optional<byte[]> object(String repository, ObjectId id) {
        return Optional.empty();
      }

      @Override
      public Optional<byte[]> chunk(String who, Hash id) {
        served.add(who);
        if (who.equals("A") && served.size() == 1) {
          aInside.countDown();
          try {
            releaseA.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return Optional.empty();
      }
    };
    FairBackend fair = new FairBackend(slowFirst, 1);
    Hash h = Hash.sha256(new byte[1]);
    Thread a = new Thread(() -> {
      for (int i = 0; i < 3; i++) {
        call(fair, "A", h);
      }
    });
    a.start();
    aInside.await();
    Thread b = new Thread(() -> call(fair, "B", h));
    b.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> fair.waiting() == 1);
    Thread c = new Thread(() -> call(fair, "C", h));
    c.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> fair.waiting() == 2);
    releaseA.countDown();
    a.join(10_000);
    b.join(10_000);
    c.join(10_000);
    assertThat(served).containsExactly("A", "B", "C", "A", "A");
  }

  private static void call(FairBackend fair, String who, Hash h) {
    try {
      fair.chunk(who, h);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
