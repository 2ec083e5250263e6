package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SketchMergerTest {
  private static StatsRow row(String artifact, long firstClient, long clients) {
    StatsRow r = new StatsRow(0, StatsRow.Granularity.DAY, "debian", artifact, "package", "http");
    for (long c = firstClient; c < firstClient + clients; c++) {
      r.addUnique(c * 0x9E3779B97F4A7C15L);
    }
    return r;
  }

  @Test
  void estimate_countsAClientInSeveralRowsOnce() {
    StatsRow a = row("a.deb", 0, 100);
    StatsRow b = row("b.deb", 50, 100); // 50 clients in common with a
    long sumOfRows = a.uniqueEstimate() + b.uniqueEstimate();
    long merged = new SketchMerger().add(a).add(b).estimate();
    assertThat(sumOfRows).isBetween(195L, 205L);
    assertThat(merged).isBetween(147L, 153L);
    assertThat(new SketchMerger().add(a).add(b).result().getCompositeEstimate()).isBetween(147.0, 153.0);
  }

  @Test
  void empty_isZeroAndNull() {
    SketchMerger m = new SketchMerger().add(new StatsRow(0, StatsRow.Granularity.DAY, "p", "x", "t", "http"));
    m.add((org.apache.datasketches.hll.HllSketch) null);
    assertThat(m.estimate()).isZero();
    assertThat(m.result()).isNull();
  }
}
