package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
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
