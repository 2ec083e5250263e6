package io.chasm.stats.internal;

import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;

/**
 * The period-0 rows of a scan's report, indexed by (artifact id, protocol): a report-only scan
 * adds its aggregators' rows here with an array lookup per row instead of a keyed lookup in a
 * step delta and again in the summary.
 */
public final class SummaryRows {
  private static final int PROTOCOLS = 4;
  private final StatsDelta summary;
  private StatsRow[] rows = new StatsRow[1024];

  public SummaryRows(StatsDelta summary) {
    this.summary = summary;
  }

  /** The summary's row of this artifact and protocol (ordinal), created when absent. */
  public StatsRow row(ArtifactCatalog.Artifact a, int protocol, String protocolLabel) {
    int i = a.id * PROTOCOLS + protocol;
    if (i >= rows.length) {
      rows = java.util.Arrays.copyOf(rows, Math.max(i + 1, rows.length * 2));
    }
    StatsRow r = rows[i];
    if (r == null) {
      r = summary.row(0, StatsRow.Granularity.DAY, a.project, a.path, a.type, protocolLabel);
      rows[i] = r;
    }
    return r;
  }
}
