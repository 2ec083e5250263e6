package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.LongIntMap;
import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import io.chasm.stats.WindowUniques;
import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * The report of a scan: per (artifact, protocol) over the whole run, downloads, bytes and bot
 * requests, with one unique-downloader sketch per calendar month (over the month's keyed hashes);
 * over all artifacts, one sketch per day, ISO week and month read. A unique figure is only
 * meaningful within one window (each has its own secret), so none spans the whole run. Sketches
 * are the compact HLL_4 form (about 2.1 KB at most), so memory grows with distinct artifacts and
 * months, not with log size. Indexed by catalog id: a step hands its rows over with array
 * lookups. {@link #finish} turns the entries into the summary's period-0 DAY rows (counts) and
 * MONTH rows (uniques), and the window figures. Used from the draining thread only.
 */
public final class SummaryRows {
  private static final int PROTOCOLS = 4;
  private static final LogRecord.Protocol[] PROTOCOL = LogRecord.Protocol.values();
  private final StatsDelta summary;
  private ArtifactCatalog.Artifact[] art = new ArtifactCatalog.Artifact[1024];
  private long[] downloads = new long[1024];
  private long[] bytes = new long[1024];
  private long[] bots = new long[1024];
  // (slot << 16 | month index) -> index into the sketches of (artifact, month): a primitive map,
  // as a boxed HashMap lookup per download was 3% of the samples (JFR, w5-A).
  private final LongIntMap artMonth = new LongIntMap();
  private long[] artMonthKey = new long[1024];
  // A month's sketch until the month closes, then only its estimate: nothing can be added to a
  // closed month (its secret is gone), and keeping every month's sketches made the report grow
  // with the months a run covers (w7-A: up to 2.1 KB per artifact and month).
  private HllSketch[] artMonthSketch = new HllSketch[1024];
  private long[] artMonthEstimate = new long[1024];
  private long monthsClosedBefore = Long.MIN_VALUE;
  private int artMonths;
  private long lastArtMonthKey = Long.MIN_VALUE;
  private HllSketch lastArtMonth;
  // Per Window ordinal: window index -> sketch over all artifacts.
  @SuppressWarnings("unchecked")
  private final java.util.TreeMap<Long, HllSketch>[] windows = new java.util.TreeMap[] {
      new java.util.TreeMap<>(), new java.util.TreeMap<>(), new java.util.TreeMap<>()};
  private final long[] lastIndex = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
  private final HllSketch[] lastWindow = new HllSketch[3];
  private long monthOfDay = Long.MIN_VALUE, month;
  private final java.util.List<WindowUniques> windowFigures;

  /**
   * @param windowFigures gets the unique downloaders of every day, week and month read, in
   *     {@link #finish}
   */
  public SummaryRows(StatsDelta summary, java.util.List<WindowUniques> windowFigures) {
    this.summary = summary;
    this.windowFigures = windowFigures;
  }

  private int slot(ArtifactCatalog.Artifact a, int protocol) {
    int i = a.id * PROTOCOLS + protocol;
    if (i >= art.length) {
      int n = Math.max(i + 1, art.length * 2);
      art = Arrays.copyOf(art, n);
      downloads = Arrays.copyOf(downloads, n);
      bytes = Arrays.copyOf(bytes, n);
      bots = Arrays.copyOf(bots, n);
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

  /**
   * Adds a download's keyed hashes (0 where the window had closed) on {@code day}: the month's to
   * the artifact's month sketch, each to its window's sketch over all artifacts.
   */
  public void addClient(ArtifactCatalog.Artifact a, int protocol, long day, long dayHash,
      long weekHash, long monthHash) {
    int i = slot(a, protocol);
    if (day != monthOfDay) {
      month = Window.MONTH.indexOfDay(day);
      monthOfDay = day;
    }
    if (monthHash != 0 && month >= 0) {
      long k = ((long) i << 16) | month;
      if (k != lastArtMonthKey) {
        lastArtMonth = artMonth(k);
        lastArtMonthKey = k;
      }
      lastArtMonth.update(monthHash);
    }
    window(Window.DAY, day, dayHash);
    window(Window.WEEK, Window.WEEK.indexOfDay(day), weekHash);
    window(Window.MONTH, month, monthHash);
  }

  private HllSketch artMonth(long k) {
    int j = artMonth.get(k);
    if (j < 0) {
      j = artMonths++;
      if (j == artMonthKey.length) {
        artMonthKey = Arrays.copyOf(artMonthKey, j * 2);
        artMonthSketch = Arrays.copyOf(artMonthSketch, j * 2);
        artMonthEstimate = Arrays.copyOf(artMonthEstimate, j * 2);
      }
      artMonthKey[j] = k;
      artMonthSketch[j] = new HllSketch(StatsRow.LG_K, TgtHllType.HLL_4);
      artMonth.put(k, j);
    }
    if (artMonthSketch[j] == null) {
      throw new IllegalStateException("a download added to closed month " + (k & 0xffff));
    }
    return artMonthSketch[j];
  }

  /**
   * Keeps only the estimate of every artifact's month that ended before {@code day} (an epoch day):
   * called once the scan's secrets of those months are gone, so nothing more can be added to them.
   */
  public void closeBefore(long day) {
    if (day <= monthsClosedBefore) {
      return;
    }
    monthsClosedBefore = day;
    for (int j = 0; j < artMonths; j++) {
      HllSketch s = artMonthSketch[j];
      if (s != null && Window.MONTH.lastDay(artMonthKey[j] & 0xffff) < day) {
        artMonthEstimate[j] = Math.round(s.getCompositeEstimate());
        artMonthSketch[j] = null;
      }
    }
    lastArtMonthKey = Long.MIN_VALUE;
    lastArtMonth = null;
  }

  private void window(Window w, long index, long hash) {
    if (hash == 0) {
      return;
    }
    int o = w.ordinal();
    if (lastIndex[o] != index || lastWindow[o] == null) {
      lastWindow[o] = windows[o].computeIfAbsent(index, x -> new HllSketch(StatsRow.LG_K, TgtHllType.HLL_4));
      lastIndex[o] = index;
    }
    lastWindow[o].update(hash);
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
    }
    for (int j = 0; j < artMonths; j++) {
      int i = (int) (artMonthKey[j] >>> 16);
      ArtifactCatalog.Artifact a = art[i];
      long m = artMonthKey[j] & 0xffff;
      int r = summary.rowIndex(Window.MONTH.start(m), StatsRow.Granularity.MONTH, -1, a.project,
          a.path, a.type, PROTOCOL[i % PROTOCOLS].label());
      if (artMonthSketch[j] != null) {
        summary.addUniques(r, artMonthSketch[j]);
      } else {
        summary.setUniqueEstimate(r, artMonthEstimate[j]);
      }
    }
    artMonth.clear();
    artMonths = 0;
    artMonthSketch = new HllSketch[1];
    artMonthKey = new long[1];
    artMonthEstimate = new long[1];
    Arrays.fill(art, null);
    for (Window w : Window.values()) {
      windows[w.ordinal()].forEach((index, s) ->
          windowFigures.add(new WindowUniques(w, index, Math.round(s.getCompositeEstimate()))));
      windows[w.ordinal()].clear();
    }
  }
}
