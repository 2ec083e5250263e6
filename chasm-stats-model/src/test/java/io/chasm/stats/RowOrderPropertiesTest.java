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

/**
 * The sort of a delta's columns gives exactly the order of {@link StatsRow.Key#compareTo}, packed
 * and by comparator (a small bit budget forces the latter).
 */
class RowOrderPropertiesTest {
  private static final String[] PROTOCOLS = {"http", "rsync", "ftp", "git"};
  private static final String[] TYPES = {"package", "iso", "source", "other", "", "métadonnées"};

  @Property(tries = 300)
  void packedOrderIsKeyOrder(@ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 1, max = 60) int periods,
      @ForAll @IntRange(min = 1, max = 5000) int artifacts, @ForAll boolean comparator) {
    java.util.Random rnd = new java.util.Random(seed);
    // Rows are distinct by key, as in a delta (project is not part of the key).
    Map<StatsRow.Key, StatsRow> rows = new LinkedHashMap<>();
    StatsDelta delta = new StatsDelta();
    for (int i = 0; i < n; i++) {
      long period = (rnd.nextInt(periods) - periods / 2) * 3600L * (rnd.nextBoolean() ? 1 : 24);
      StatsRow.Granularity g = StatsRow.Granularity.values()[rnd.nextInt(4)];
      String protocol = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
      String type = TYPES[rnd.nextInt(TYPES.length)];
      // Shared prefixes and non-ASCII names, so ranks come from String order, not length.
      // Also one artifact the prefix of another, and UTF-16 code unit order against code points.
      String artifact = "/pool/" + (rnd.nextInt(artifacts) * 7919 % 10007)
          + (rnd.nextInt(9) == 0 ? "/ä" : rnd.nextInt(9) == 0 ? "" : rnd.nextInt(9) == 0 ? "/\ud83d\ude00"
              : rnd.nextInt(9) == 0 ? "/\uffff" : "/a");
      StatsRow r = new StatsRow(period, g, "p" + rnd.nextInt(3), artifact, type, protocol);
      rows.putIfAbsent(new StatsRow.Key(period, g, protocol, type, artifact), r);
      delta.row(period, g, r.project, artifact, type, protocol);
    }
    List<StatsRow.Key> expected = new ArrayList<>(rows.keySet());
    expected.sort(null);
    List<StatsRow.Key> got = new ArrayList<>();
    assertThat(delta.size()).isEqualTo(rows.size());
    for (StatsRow r : delta.rows()) {
      got.add(new StatsRow.Key(r.periodStart, r.granularity, r.protocol, r.type, r.artifact));
    }
    if (comparator) {
      got.clear();
      for (int i : RowOrder.order(delta.columns(), 0)) {
        got.add(new StatsRow.Key(delta.periodStart(i), delta.granularity(i), delta.protocol(i),
            delta.type(i), delta.artifact(i)));
      }
    }
    assertThat(got).containsExactlyElementsOf(expected);
  }
}
