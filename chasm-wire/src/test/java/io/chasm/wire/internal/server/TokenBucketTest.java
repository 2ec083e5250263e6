package io.chasm.wire.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.wire.RepositoryBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The upload limit on a fake clock: the bucket makes takers wait exactly what the rate asks. */
class TokenBucketTest {
  private final AtomicLong now = new AtomicLong();
  private final List<Long> sleeps = Collections.synchronizedList(new ArrayList<>());

  private TokenBucket bucket(long rate) {
    return new TokenBucket(rate, now::get, n -> {
      sleeps.add(n);
      now.addAndGet(n);
    });
  }

  @Test
  void take_withinTheBurst_doesNotWait() throws Exception {
    TokenBucket b = bucket(10_000_000);
    b.take(1_000_000); // the burst is a tenth of a second: 1 MB
    assertThat(sleeps).isEmpty();
  }

  @Test
  void take_pastTheBurst_waitsForTheRate() throws Exception {
    TokenBucket b = bucket(1_000_000); // burst 100 kB
    for (int i = 0; i < 10; i++) {
      b.take(100_000);
    }
    // 1 MB at 1 MB/s with 100 kB in the bucket at the start: 0.9 s of simulated waiting in all.
    assertThat(sleeps.stream().mapToLong(Long::longValue).sum()).isBetween(899_000_000L, 901_000_000L);
    assertThat(now.get()).isBetween(899_000_000L, 901_000_000L);
  }

  @Test
  void throttledBackend_paysForTheBytesItReturns_notForMissingOnes() throws Exception {
    TokenBucket b = bucket(1_000_000);
    Hash missing = Hash.sha256(new byte[] {9});
    RepositoryBackend inner = new RepositoryBackend() {
      @Override
      public Optional<byte[]> head(String repository) {
        return Optional.empty();
      }

      @Override
      public Optional<byte[]> object(String repository, ObjectId id) {
        return Optional.of(new byte[350_000]);
      }

      @Override
      public Optional<byte[]> chunk(String repository, Hash id) {
        return id.equals(missing) ? Optional.empty() : Optional.of(new byte[250_000]);
      }
    };
    ThrottledBackend t = new ThrottledBackend(inner, b);

    List<Optional<byte[]>> got = t.chunks("r", List.of(Hash.sha256(new byte[] {1}), missing, Hash.sha256(new byte[] {2}),
        Hash.sha256(new byte[] {3})));
    t.object("r", new ObjectId(io.chasm.api.ObjectKind.TREE, Hash.sha256(new byte[] {4})));

    assertThat(got).hasSize(4);
    assertThat(got.get(1)).isEmpty();
    // 3 x 250 kB + 350 kB = 1.1 MB at 1 MB/s, less the 100 kB burst: 1 s of simulated waiting.
    assertThat(now.get()).isBetween(999_000_000L, 1_001_000_000L);
  }

  @Test
  void concurrentTakers_allGetThrough_andShareTheRate() throws Exception {
    TokenBucket b = bucket(1_000_000);
    int threads = 4;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread th = new Thread(() -> {
        try {
          go.await();
          for (int k = 0; k < 5; k++) {
            b.take(50_000);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join();
    }
    // 1 MB in all at 1 MB/s: 0.9 s simulated, whatever the interleaving.
    assertThat(now.get()).isBetween(899_000_000L, 901_000_000L);
  }
}
