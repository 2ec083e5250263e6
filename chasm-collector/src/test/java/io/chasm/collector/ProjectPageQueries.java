package io.chasm.collector;

import io.chasm.collector.StatsReader.By;
import io.chasm.collector.StatsReader.Interval;
import io.chasm.collector.StatsReader.Range;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The reads of the project page ({@code PageRoutes.project}, all data), made one by one through
 * the same {@link StatsReader} and timed each, so that the page's tail in bench/collector-scale.sh
 * can be laid on the query that makes it. Kept in step with PageRoutes by hand: a read added there
 * and not here shows as a page slower than the sum of these.
 */
final class ProjectPageQueries {
  private static final String[] NAMES = {"dataRange (Ranges.all)", "topArtifacts (25 of all)", "totals",
      "series (per week)", "breakdown by type", "breakdown by protocol", "breakdown by mirror", "countme"};

  private final StatsReader r;
  private final String project;
  private final long[][] micros;
  private int n;

  ProjectPageQueries(StatsReader r, String project, int samples) {
    this.r = r;
    this.project = project;
    this.micros = new long[NAMES.length][samples];
  }

  /** Runs the page's reads once, in the page's order, and keeps each one's time. */
  void sample() throws SQLException {
    long[] t = new long[NAMES.length + 1];
    t[0] = System.nanoTime();
    Range range = r.dataRange().orElseThrow();
    t[1] = System.nanoTime();
    r.topArtifacts(project, range, "", 0, 25);
    t[2] = System.nanoTime();
    r.totals(project, Optional.empty(), range);
    t[3] = System.nanoTime();
    r.series(project, Optional.empty(), Interval.forRange(range), range);
    t[4] = System.nanoTime();
    r.breakdown(project, Optional.empty(), By.TYPE, range);
    t[5] = System.nanoTime();
    r.breakdown(project, Optional.empty(), By.PROTOCOL, range);
    t[6] = System.nanoTime();
    r.breakdown(project, Optional.empty(), By.MIRROR, range);
    t[7] = System.nanoTime();
    r.countme(project, range);
    t[8] = System.nanoTime();
    for (int i = 0; i < NAMES.length; i++) {
      micros[i][n] = (t[i + 1] - t[i]) / 1000;
    }
    n++;
  }

  /** One line per read: p50, p95 and max in ms over the samples taken. */
  Map<String, String> report() {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < NAMES.length; i++) {
      long[] s = Arrays.copyOf(micros[i], n);
      Arrays.sort(s);
      out.put(NAMES[i], String.format(Locale.ROOT, "p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms", s[n / 2] / 1e3,
          s[(int) Math.ceil(n * 0.95) - 1] / 1e3, s[n - 1] / 1e3));
    }
    return out;
  }
}
