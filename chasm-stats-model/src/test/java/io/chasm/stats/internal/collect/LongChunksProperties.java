package io.chasm.stats.internal.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Chunks hand over exactly the values added, in order, each chunk at most CHUNK long, and start again empty. */
class LongChunksProperties {
  @Property(tries = 30)
  void take_givesEveryValueOnceInOrder(@ForAll @IntRange(min = 0, max = 3 * LongChunks.CHUNK + 5) int n,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    LongChunks c = new LongChunks();
    for (int round = 0; round < 2; round++) { // a second step after take
      long[] added = new long[n];
      for (int i = 0; i < n; i++) {
        added[i] = rnd.nextLong();
        c.add(added[i]);
      }
      assertThat(c.size()).isEqualTo(n);
      long[] got = new long[n];
      int[] at = {0};
      c.take((values, m) -> {
        if (m < 1 || m > LongChunks.CHUNK || at[0] + m > n) {
          throw new AssertionError("chunk of " + m + " after " + at[0]);
        }
        System.arraycopy(values, 0, got, at[0], m);
        at[0] += m;
      });
      assertThat(at[0]).isEqualTo(n);
      assertThat(got).isEqualTo(added);
      assertThat(c.size()).isZero();
    }
  }
}
