package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import io.chasm.stats.internal.hll.CouponImages;
import java.util.ArrayList;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A report that keeps only the estimates of closed months (w7-A) gives every artifact's month the
 * figure of a report that kept all the sketches to the end, and refuses a download of a closed month.
 */
class SummaryRowsProperties {
  private static final long NOV_1_2024 = 20028; // epoch day

  @Property(tries = 40)
  void closedMonths_keepTheirFigures(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4000) int downloads,
      @ForAll @IntRange(min = 1, max = 40) int artifacts) {
    Random rnd = new Random(seed);
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    StatsDelta kept = new StatsDelta(), closed = new StatsDelta();
    SummaryRows all = new SummaryRows(kept, new ArrayList<>());
    SummaryRows closing = new SummaryRows(closed, new ArrayList<>());
    long day = NOV_1_2024;
    for (int i = 0; i < downloads; i++) {
      day += rnd.nextInt(200) == 0 ? 1 : 0; // about 20 days per 4,000 downloads, months cross
      if (rnd.nextInt(300) == 0) {
        day += 25;
      }
      ArtifactCatalog.Artifact a = catalog.classify("/pool/f" + rnd.nextInt(artifacts) + ".deb");
      int proto = rnd.nextInt(2);
      // Few clients for some artifacts (list and set modes), many for others (HLL mode).
      long client = rnd.nextInt(a.id % 3 == 0 ? 5000 : 40) + 1;
      long month = client * 31 + Window.MONTH.indexOfDay(day);
      for (SummaryRows r : new SummaryRows[] {all, closing}) {
        r.add(a, proto, 1, 10, 0);
        r.addClient(a, proto, day, client * 7 + day, client * 13 + Window.WEEK.indexOfDay(day), month);
      }
      closing.closeBefore(day - rnd.nextInt(3)); // closes the months that ended before
    }
    all.finish();
    closing.finish();
    assertThat(figures(closed)).isEqualTo(figures(kept)).isNotEmpty();
  }

  // The --state path (w8-B): the same downloads as a step delta's DAY, WEEK and MONTH rows' coupons
  // give the figures of the downloads added one by one, rows made with or without catalog ids.
  @Property(tries = 40)
  void fedFromADelta_isTheDownloadsOneByOne(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 3000) int downloads, @ForAll boolean withIds) {
    Random rnd = new Random(seed);
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    StatsDelta oneSummary = new StatsDelta(), fedSummary = new StatsDelta();
    java.util.List<io.chasm.stats.WindowUniques> oneWindows = new ArrayList<>(), fedWindows = new ArrayList<>();
    SummaryRows one = new SummaryRows(oneSummary, oneWindows);
    SummaryRows fed = new SummaryRows(fedSummary, fedWindows);
    StatsDelta step = new StatsDelta(true);
    for (int i = 0; i < downloads; i++) {
      ArtifactCatalog.Artifact a = catalog.classify("/pool/f" + rnd.nextInt(30) + ".deb");
      int proto = rnd.nextInt(2);
      long day = NOV_1_2024 + rnd.nextInt(45); // into December
      long week = Window.WEEK.indexOfDay(day), month = Window.MONTH.indexOfDay(day);
      long client = rnd.nextInt(a.id % 3 == 0 ? 3000 : 30) + 1;
      long dh = client * 7 + day, wh = client * 13 + week, mh = client * 31 + month;
      one.add(a, proto, 1, 10, 0);
      one.addClient(a, proto, day, dh, wh, mh);
      fed.add(a, proto, 1, 10, 0);
      String p = io.chasm.stats.LogRecord.Protocol.values()[proto].label();
      int id = withIds ? a.id : -1;
      step.addUniqueCoupon(step.rowIndex(day * 86400, StatsRow.Granularity.DAY, id, a.project,
          a.path, a.type, p), CouponImages.coupon(dh));
      step.addUniqueCoupon(step.rowIndex(Window.WEEK.start(week), StatsRow.Granularity.WEEK, id,
          a.project, a.path, a.type, p), CouponImages.coupon(wh));
      step.addUniqueCoupon(step.rowIndex(Window.MONTH.start(month), StatsRow.Granularity.MONTH, id,
          a.project, a.path, a.type, p), CouponImages.coupon(mh));
    }
    fed.feed(step);
    one.finish();
    fed.finish();
    assertThat(figures(fedSummary)).isEqualTo(figures(oneSummary)).isNotEmpty();
    assertThat(fedWindows).isEqualTo(oneWindows).isNotEmpty();
  }

  @Example
  void aDeltaRowOfAnArtifactTheReportNeverCounted_isRefused() {
    StatsDelta step = new StatsDelta(true);
    step.addUniqueCoupon(step.rowIndex(Window.MONTH.start(Window.MONTH.indexOfDay(NOV_1_2024)),
        StatsRow.Granularity.MONTH, -1, "debian", "/pool/a.deb", "package", "http"),
        CouponImages.coupon(5));
    SummaryRows r = new SummaryRows(new StatsDelta(), new ArrayList<>());
    assertThatThrownBy(() -> r.feed(step)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> r.feed(new StatsDelta(false))).isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void aDownloadOfAClosedMonth_isRefused() {
    ArtifactCatalog.Artifact a = new ArtifactCatalog(ClassificationRules.defaults()).classify("/pool/a.deb");
    SummaryRows r = new SummaryRows(new StatsDelta(), new ArrayList<>());
    r.addClient(a, 0, NOV_1_2024, 1, 2, 3);
    r.closeBefore(NOV_1_2024 + 30); // November's last day is before it
    assertThatThrownBy(() -> r.addClient(a, 0, NOV_1_2024 + 1, 1, 2, 4))
        .isInstanceOf(IllegalStateException.class);
  }

  private static Map<String, Long> figures(StatsDelta d) {
    Map<String, Long> m = new TreeMap<>();
    for (StatsRow r : d.unorderedRows()) {
      if (r.granularity == StatsRow.Granularity.MONTH) {
        m.put(r.periodStart + " " + r.protocol + " " + r.artifact, r.uniqueEstimate());
      }
    }
    return m;
  }
}
