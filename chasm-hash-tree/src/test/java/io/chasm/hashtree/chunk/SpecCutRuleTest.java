package io.chasm.hashtree.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.hashtree.internal.FastCdcCutter;
import io.chasm.hashtree.internal.Gear;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The two-bytes-per-step cutter agrees with the byte-at-a-time rule written in SPEC 2.5. */
class SpecCutRuleTest {
  static final long[] GEAR = Gear.gearTable();
  static final long[] MASKS = Gear.maskTable();

  /** SPEC 2.4-2.5 literally; returns the chunk length. */
  static int specCut(byte[] b, int s, int n, int min, int avg, int max) {
    if (n <= min) {
      return n;
    }
    int limit = Math.min(n, max);
    int center = n < avg ? n : avg;
    int bits = 63 - Long.numberOfLeadingZeros(avg);
    if ((long) avg * avg >= 1L << (2 * bits + 1)) {
      bits++;
    }
    long maskS = MASKS[bits + 1];
    long maskL = MASKS[bits - 1];
    long h = 0;
    for (int i = 2 * (min / 2); i < 2 * (limit / 2); i++) {
      h = (h << 1) + GEAR[b[s + i] & 0xff];
      long mask = i / 2 < center / 2 ? maskS : maskL;
      if ((h & mask) == 0) {
        return i;
      }
    }
    return limit;
  }

  @Property(tries = 200)
  void cutter_matchesSpecRule(
      @ForAll long seed,
      @ForAll @IntRange(min = 64, max = 3000) int min,
      @ForAll @IntRange(min = 0, max = 3000) int avgExtra,
      @ForAll @IntRange(min = 0, max = 6000) int maxExtra,
      @ForAll @IntRange(min = 0, max = 30000) int length) {
    int avg = Math.max(256, min + avgExtra);
    int max = Math.max(1024, avg + maxExtra);
    byte[] data = new byte[length];
    Random r = new Random(seed);
    r.nextBytes(data);
    if (r.nextInt(4) == 0) {
      // low-entropy input: long runs make cuts land at max and at odd/even edges
      for (int i = 0; i < length; i++) {
        data[i] = (byte) (data[i] & 1);
      }
    }
    FastCdcCutter cutter = new FastCdcCutter(min, avg, max);
    for (int pos = 0; pos < length; ) {
      int n = cutter.cut(data, pos, length - pos);
      assertThat(n).isEqualTo(specCut(data, pos, length - pos, min, avg, max));
      pos += n;
    }
  }
}
