package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A worker's downloaders taken whole by the delta (HOUR rows' coupons, the DAY rows' derived when
 * grouping) give every row the sketch bytes that adding each coupon to the HOUR and the DAY row
 * gives: the batches must not change with the hand-over (w7-A).
 */
class TakenCouponsPropertiesTest {
  @Property(tries = 300)
  void takenHourCoupons_giveTheBytesOfCouponsAddedToHourAndDay(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 3000) int n, @ForAll @IntRange(min = 1, max = 30) int artifacts) {
    Random rnd = new Random(seed);
    StatsDelta added = new StatsDelta(), taken = new StatsDelta();
    long[] pairs = new long[n + rnd.nextInt(4)];
    long[] later = new long[n];
    int laterCount = 0;
    for (int i = 0; i < n; i++) {
      long hour = 1_732_406_400L + 3600L * rnd.nextInt(60); // two and a half days
      String art = "/a/" + rnd.nextInt(artifacts);
      String proto = rnd.nextBoolean() ? "http" : "rsync";
      int h = rows(added, hour, art, proto);
      int h2 = rows(taken, hour, art, proto);
      int coupon = UniqueSketches.coupon(rnd.nextInt(rnd.nextBoolean() ? 20 : 2000));
      added.addUniqueCoupon(h, coupon);
      added.addUniqueCoupon(day(added, hour, art, proto), coupon);
      pairs[i] = UniqueSketches.pair(h2, coupon);
      if (rnd.nextInt(8) == 0) { // some rows also get a coupon the usual way, before or after
        int w = UniqueSketches.coupon(rnd.nextLong());
        added.addUniqueCoupon(h, w);
        later[laterCount++] = UniqueSketches.pair(h2, w);
      }
    }
    taken.takeUniqueCoupons(pairs, n, true);
    for (int i = 0; i < laterCount; i++) {
      taken.addUniqueCoupon((int) (later[i] >>> 32), (int) later[i]);
    }
    assertThat(taken.size()).isEqualTo(added.size());
    for (int i = 0; i < added.size(); i++) {
      assertThat(taken.uniqueSketch(i)).as("row %d", i).isEqualTo(added.uniqueSketch(i));
    }
  }

  @Example
  void aPairTakenForItsDay_needsAnHourRowWithADayRow() {
    StatsDelta d = new StatsDelta();
    int h = d.rowIndex(3600, StatsRow.Granularity.HOUR, -1, "p", "/x", "t", "http");
    d.takeUniqueCoupons(new long[] {UniqueSketches.pair(h, UniqueSketches.coupon(1))}, 1, true);
    assertThatThrownBy(() -> d.uniqueSketch(h)).isInstanceOf(IllegalArgumentException.class);
  }

  // The HOUR row, creating its DAY row first or after at random as the aggregator's order may.
  private static int rows(StatsDelta d, long hour, String art, String proto) {
    int h = d.rowIndex(hour, StatsRow.Granularity.HOUR, -1, "p", art, "t", proto);
    day(d, hour, art, proto);
    return h;
  }

  private static int day(StatsDelta d, long hour, String art, String proto) {
    return d.rowIndex(Math.floorDiv(hour, 86400L) * 86400L, StatsRow.Granularity.DAY, -1, "p", art,
        "t", proto);
  }
}
