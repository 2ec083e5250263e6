package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The packed sort of a delta's rows gives exactly the order of {@link StatsRow.Key#compareTo}. */
class RowOrderPropertiesTest {
  private static final String[] PROTOCOLS = {"http", "rsync", "ftp", "git"};
  private static final String[] TYPES = {"package", "iso", "source", "other", "", "métadonnées"};

  @Property(tries = 300)
  void packedOrderIsKeyOrder(@ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 1, max = 60) int periods,
      @ForAll @IntRange(min = 1, max = 5000) int artifacts) {
    java.util.Random rnd = new java.util.Random(seed);
    // Rows are distinct by key, as in a delta (project is not part of the key).
    Map<StatsRow.Key, StatsRow> rows = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      long period = (rnd.nextInt(periods) - periods / 2) * 3600L * (rnd.nextBoolean() ? 1 : 24);
      StatsRow.Granularity g = StatsRow.Granularity.values()[rnd.nextInt(4)];
      String protocol = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
      String type = TYPES[rnd.nextInt(TYPES.length)];
      // Shared prefixes and non-ASCII names, so ranks come from String order, not length.
      String artifact = "/pool/" + (rnd.nextInt(artifacts) * 7919 % 10007) + (rnd.nextInt(9) == 0 ? "/ä" : "/a");
      StatsRow r = new StatsRow(period, g, "p" + rnd.nextInt(3), artifact, type, protocol);
      rows.putIfAbsent(new StatsRow.Key(period, g, protocol, type, artifact), r);
    }
    List<StatsRow.Key> expected = new ArrayList<>(rows.keySet());
    expected.sort(null);
    List<StatsRow.Key> got = new ArrayList<>();
    for (StatsRow r : RowOrder.sorted(rows.values())) {
      got.add(new StatsRow.Key(r.periodStart, r.granularity, r.protocol, r.type, r.artifact));
    }
    assertThat(got).containsExactlyElementsOf(expected);
  }
}
