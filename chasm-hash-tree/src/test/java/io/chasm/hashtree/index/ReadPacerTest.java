package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.store.PackObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scrub's pacing on a fake clock: sleeps keep the reads at the rate, and a paced content check is slept through. */
class ReadPacerTest {
  @TempDir Path dir;

  /** A ticker that only the sleeper advances: reading takes no time. */
  final AtomicLong now = new AtomicLong(1_000);
  final ReadPacer.Sleeper sleeper = now::addAndGet;

  @Test
  void acquire_sleepsSoTheRateHolds() throws Exception {
    ReadPacer p = new ReadPacer(1_000_000, now::get, sleeper);
    p.acquire(500_000);
    assertThat(now.get() - 1_000).isEqualTo(500_000_000L);
    for (int i = 0; i < 10; i++) {
      p.acquire(100_000);
    }
    assertThat(now.get() - 1_000).isEqualTo(1_500_000_000L);
    assertThat(p.sleptNanos()).isEqualTo(1_500_000_000L);
  }

  @Test
  void timeSpentReadingCounts_andAPauseEarnsNoBurst() throws Exception {
    ReadPacer p = new ReadPacer(1_000_000, now::get, sleeper);
    p.acquire(1_000_000); // sleeps 1 s
    now.addAndGet(400_000_000L); // a read that took 0.4 s
    p.acquire(1_000_000); // due 1 s after the first one was: 0.6 s more
    assertThat(p.sleptNanos()).isEqualTo(1_600_000_000L);
    now.addAndGet(60_000_000_000L); // idle for a minute
    p.acquire(1_000_000);
    assertThat(p.sleptNanos()).isEqualTo(2_600_000_000L);
  }

  @Test
  void unlimitedAndBadRates() throws Exception {
    ReadPacer p = new ReadPacer(0, now::get, sleeper);
    p.acquire(Long.MAX_VALUE / 2);
    assertThat(p.sleptNanos()).isZero();
    assertThatThrownBy(() -> new ReadPacer(-1, now::get, sleeper)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pacedContentCheck_sleepsForEveryByteItReads() throws Exception {
    Path tree = dir.resolve("tree");
    Files.createDirectories(tree.resolve("d"));
    byte[] big = new byte[2_000_000];
    new Random(1).nextBytes(big);
    Files.write(tree.resolve("d/big"), big);
    Files.writeString(tree.resolve("small"), "small\n");
    Path state = dir.resolve("state");
    ObjectId root;
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      root = index.update().rootTree();
    }
    big[1_234_567] ^= 1;
    Files.write(tree.resolve("d/big"), big);
    ReadPacer pacer = new ReadPacer(1_000_000, now::get, sleeper);
    try (PackObjectStore pack = PackObjectStore.open(state.resolve("objects.pack"))) {
      assertThat(ContentCheck.differences(tree, state, pack, root, ChunkingParams.DEFAULT, pacer, 1)).containsExactly("d/big");
    }
    // 2,000,006 bytes at 1 MB/s: 2 s of sleep, give or take the rounding of each chunk's booking.
    assertThat(pacer.sleptNanos()).isBetween(1_999_000_000L, 2_000_010_000L);
  }
}
