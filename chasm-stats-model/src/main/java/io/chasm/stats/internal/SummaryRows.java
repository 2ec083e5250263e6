package io.chasm.stats.internal;

import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * The report of a scan: per (artifact, protocol) over the whole run, downloads,
 * bytes, bot requests and one unique-downloader sketch that takes every client hash directly.
 * The sketch is the compact HLL_4 form (about 2.1 KB at most), and it is the only one an artifact
 * has, so the report's memory grows with distinct artifacts, not with log size. Indexed by
 * catalog id: a step hands its rows over with array lookups. {@link #finish} turns the entries
 * into the summary's period-0 rows. Used from the draining thread only.
 */
public final class SummaryRows {
  private static final int PROTOCOLS = 4;
  private static final LogRecord.Protocol[] PROTOCOL = LogRecord.Protocol.values();
  private final StatsDelta summary;
  private ArtifactCatalog.Artifact[] art = new ArtifactCatalog.Artifact[1024];
  private long[] downloads = new long[1024];
  private long[] bytes = new long[1024];
  private long[] bots = new long[1024];
  private HllSketch[] sketch = new HllSketch[1024];

  public SummaryRows(StatsDelta summary) {
    this.summary = summary;
  }

  private int slot(ArtifactCatalog.Artifact a, int protocol) {
    int i = a.id * PROTOCOLS + protocol;
    if (i >= art.length) {
      int n = Math.max(i + 1, art.length * 2);
      art = Arrays.copyOf(art, n);
      downloads = Arrays.copyOf(downloads, n);
      bytes = Arrays.copyOf(bytes, n);
      bots = Arrays.copyOf(bots, n);
      sketch = Arrays.copyOf(sketch, n);
    }
    art[i] = a;
    return i;
  }

  /** Adds counts of this artifact and protocol (ordinal); the row exists from then on. */
  public void add(ArtifactCatalog.Artifact a, int protocol, long downloads, long bytes,
      long botRequests) {
    int i = slot(a, protocol);
    this.downloads[i] += downloads;
    this.bytes[i] += bytes;
    this.bots[i] += botRequests;
  }

  /** Adds a downloader's keyed hash to the artifact's unique-downloader sketch. */
  public void addClient(ArtifactCatalog.Artifact a, int protocol, long clientHash) {
    int i = slot(a, protocol);
    HllSketch s = sketch[i];
    if (s == null) {
      s = new HllSketch(StatsRow.LG_K, TgtHllType.HLL_4);
      sketch[i] = s;
    }
    s.update(clientHash);
  }

  /** Adds every entry to the summary as its period-0 row (once, after the last step). */
  public void finish() {
    for (int i = 0; i < art.length; i++) {
      ArtifactCatalog.Artifact a = art[i];
      if (a == null) {
        continue;
      }
      StatsRow r = summary.row(0, StatsRow.Granularity.DAY, a.project, a.path, a.type,
          PROTOCOL[i % PROTOCOLS].label());
      r.add(downloads[i], bytes[i], bots[i]);
      r.addUniques(sketch[i]);
      art[i] = null;
      sketch[i] = null;
    }
  }
}
