package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.LongIntMap;
import io.chasm.stats.internal.hll.CouponImages;
import io.chasm.stats.internal.hll.CouponSets;
import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import io.chasm.stats.WindowUniques;
import java.util.Arrays;

/**
 * The report of a scan: per (artifact, protocol) over the whole run, downloads, bytes and bot
 * requests, with one unique-downloader set per calendar month (over the month's keyed hashes);
 * over all artifacts, one set per day, ISO week and month read. A unique figure is only
 * meaningful within one window (each has its own secret), so none spans the whole run. The sets
 * are {@link CouponSets}: a small one is its coupons, a large one 4-bit registers (about 2 KB), so
 * memory grows with distinct artifacts and open months, not with log size. Indexed by catalog id:
 * a step hands its rows over with array lookups. Downloaders arrive from a step's delta ({@link
 * #feed}, the agent proper) or per download ({@link #addClient}, a report-only scan). {@link
 * #finish} turns the entries into the summary's period-0 DAY rows (counts) and MONTH rows (unique
 * figures), and the window figures. Used from the draining thread only.
 */
public final class SummaryRows {
  private static final int PROTOCOLS = 4;
  private static final LogRecord.Protocol[] PROTOCOL = LogRecord.Protocol.values();
  private final StatsDelta summary;
  private ArtifactCatalog.Artifact[] art = new ArtifactCatalog.Artifact[1024];
  private long[] downloads = new long[1024];
  private long[] bytes = new long[1024];
  private long[] bots = new long[1024];
  // (slot << 16 | month index) -> index into the (artifact, month) columns: a primitive map, as a
  // boxed HashMap lookup per download was 3% of the samples (JFR, w5-A).
  private final LongIntMap artMonth = new LongIntMap();
  private long[] artMonthKey = new long[1024];
  // The unique-downloader sets: every (artifact, protocol, open month) and every window over all
  // artifacts. As DataSketches sketches the month sets were the part of the live set that grew
  // with the input (w7-A); see CouponSets.
  private final CouponSets sets = new CouponSets();
  // A month's set until the month closes (-1 after), then only its estimate: nothing can be added
  // to a closed month (its secret is gone), and keeping every month's sets made the report grow
  // with the months a run covers (w7-A: up to 2.1 KB per artifact and month).
  private int[] artMonthSet = new int[1024];
  private long[] artMonthEstimate = new long[1024];
  private long monthsClosedBefore = Long.MIN_VALUE;
  private int artMonths;
  private long lastArtMonthKey = Long.MIN_VALUE;
  private int lastArtMonth;
  // Per Window ordinal: window index -> set over all artifacts.
  @SuppressWarnings("unchecked")
  private final java.util.TreeMap<Long, Integer>[] windows = new java.util.TreeMap[] {
      new java.util.TreeMap<>(), new java.util.TreeMap<>(), new java.util.TreeMap<>()};
  private final long[] lastIndex = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
  private final int[] lastWindow = new int[3];
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
   * the artifact's month set, each to its window's set over all artifacts. For downloads one at a
   * time; a step's go through {@link #addMonthCoupons} and {@link #addWindowCoupons}.
   */
  public void addClient(ArtifactCatalog.Artifact a, int protocol, long day, long dayHash,
      long weekHash, long monthHash) {
    int i = slot(a, protocol);
    if (day != monthOfDay) {
      month = Window.MONTH.indexOfDay(day);
      monthOfDay = day;
    }
    if (monthHash != 0 && month >= 0) {
      sets.add(artMonth(((long) i << 16) | month), CouponImages.coupon(monthHash));
    }
    addWindowHash(Window.DAY, day, dayHash);
    addWindowHash(Window.WEEK, Window.WEEK.indexOfDay(day), weekHash);
    addWindowHash(Window.MONTH, month, monthHash);
  }

  /**
   * Adds the coupons of month hashes of (artifact, protocol) in {@code month} (a month index, from
   * 0), in the low 32 bits of {@code packed[from .. to)}, sorted as unsigned ints and distinct, to
   * the artifact's month set and the month's set over all artifacts.
   */
  public void addMonthCoupons(ArtifactCatalog.Artifact a, int protocol, long month, long[] packed,
      int from, int to) {
    if (to <= from) {
      return;
    }
    sets.addSorted(artMonth(((long) slot(a, protocol) << 16) | month), packed, from, to);
    addWindowCoupons(Window.MONTH, month, packed, from, to);
  }

  /** Adds coupons, sorted as unsigned ints and distinct, to a window's set over all artifacts. */
  public void addWindowCoupons(Window w, long index, long[] packed, int from, int to) {
    if (to > from) {
      sets.addSorted(window(w, index), packed, from, to);
    }
  }

  /** Adds a keyed hash of {@code w}'s window {@code index} (nothing for 0) to its set over all artifacts. */
  public void addWindowHash(Window w, long index, long hash) {
    if (hash != 0) {
      sets.add(window(w, index), CouponImages.coupon(hash));
    }
  }

  /**
   * Adds a step's downloaders from the delta its batch is made of (one that keeps hours): the
   * coupons of its DAY rows to their days' sets, of its WEEK rows to their weeks', of its MONTH
   * rows to their artifacts' month sets and their months'. These are the coupons of the same
   * keyed hashes {@link #addClient} takes, already grouped by row and distinct, so the report keeps
   * nothing per download (w8-B: DownloaderHashes' 36 bytes per download and worker) and merges
   * once per artifact and step. Windows that begin before 1970 have no WEEK or MONTH rows (a
   * batch cannot carry them), so they have no figure either.
   */
  public void feed(StatsDelta delta) {
    if (!delta.keepsHours()) {
      throw new IllegalArgumentException("a delta without hour rows carries no downloaders");
    }
    java.util.Map<String, ArtifactCatalog.Artifact> byName = null;
    for (int i = 0, n = delta.size(); i < n; i++) {
      StatsRow.Granularity g = delta.granularity(i);
      if (g == StatsRow.Granularity.HOUR) {
        continue;
      }
      long day = Math.floorDiv(delta.periodStart(i), 86400L);
      if (g == StatsRow.Granularity.DAY) {
        delta.uniqueCoupons(i, (p, from, to) -> addWindowCoupons(Window.DAY, day, p, from, to));
      } else if (g == StatsRow.Granularity.WEEK) {
        long week = Window.WEEK.indexOfDay(day);
        delta.uniqueCoupons(i, (p, from, to) -> addWindowCoupons(Window.WEEK, week, p, from, to));
      } else if (g == StatsRow.Granularity.MONTH) {
        int proto = protocol(delta.protocol(i));
        int id = delta.artifactId(i);
        ArtifactCatalog.Artifact a = id >= 0 && id * PROTOCOLS + proto < art.length
            ? art[id * PROTOCOLS + proto] : null;
        if (a == null) {
          // A row made without the catalog id (a ranged download decided at its day's close):
          // its artifact by name, among those the report has counted.
          if (byName == null) {
            byName = byName();
          }
          a = byName.get(delta.type(i) + '\0' + delta.artifact(i));
          if (a == null) {
            throw new IllegalStateException("downloaders of an artifact the report never counted: "
                + delta.artifact(i));
          }
        }
        ArtifactCatalog.Artifact artifact = a;
        long month = Window.MONTH.indexOfDay(day);
        delta.uniqueCoupons(i, (p, from, to) -> addMonthCoupons(artifact, proto, month, p, from, to));
      }
    }
  }

  private java.util.Map<String, ArtifactCatalog.Artifact> byName() {
    java.util.Map<String, ArtifactCatalog.Artifact> m = new java.util.HashMap<>();
    for (ArtifactCatalog.Artifact a : art) {
      if (a != null) {
        m.put(a.type + '\0' + a.path, a);
      }
    }
    return m;
  }

  private static int protocol(String label) {
    for (LogRecord.Protocol p : PROTOCOL) {
      if (p.label().equals(label)) {
        return p.ordinal();
      }
    }
    throw new IllegalArgumentException("unknown protocol " + label);
  }

  private int artMonth(long k) {
    if (k == lastArtMonthKey) {
      return lastArtMonth;
    }
    int j = artMonth.get(k);
    if (j < 0) {
      j = artMonths++;
      if (j == artMonthKey.length) {
        artMonthKey = Arrays.copyOf(artMonthKey, j * 2);
        artMonthSet = Arrays.copyOf(artMonthSet, j * 2);
        artMonthEstimate = Arrays.copyOf(artMonthEstimate, j * 2);
      }
      artMonthKey[j] = k;
      artMonthSet[j] = sets.create();
      artMonth.put(k, j);
    }
    if (artMonthSet[j] < 0) {
      throw new IllegalStateException("a download added to closed month " + (k & 0xffff));
    }
    lastArtMonthKey = k;
    lastArtMonth = artMonthSet[j];
    return lastArtMonth;
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
      int s = artMonthSet[j];
      if (s >= 0 && Window.MONTH.lastDay(artMonthKey[j] & 0xffff) < day) {
        artMonthEstimate[j] = sets.estimate(s);
        sets.release(s);
        artMonthSet[j] = -1;
      }
    }
    lastArtMonthKey = Long.MIN_VALUE;
  }

  private int window(Window w, long index) {
    int o = w.ordinal();
    if (lastIndex[o] != index) {
      lastWindow[o] = windows[o].computeIfAbsent(index, x -> sets.create());
      lastIndex[o] = index;
    }
    return lastWindow[o];
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
      // The figure only, as for a closed month: the report prints figures, and a sketch object
      // per artifact made at the end would double the run's largest item at its last moment.
      int s = artMonthSet[j];
      if (s >= 0) {
        summary.setUniqueEstimate(r, sets.estimate(s));
        sets.release(s);
      } else {
        summary.setUniqueEstimate(r, artMonthEstimate[j]);
      }
    }
    artMonth.clear();
    artMonths = 0;
    artMonthSet = new int[1];
    artMonthKey = new long[1];
    artMonthEstimate = new long[1];
    Arrays.fill(art, null);
    for (Window w : Window.values()) {
      windows[w.ordinal()].forEach((index, s) -> {
        windowFigures.add(new WindowUniques(w, index, sets.estimate(s)));
        sets.release(s);
      });
      windows[w.ordinal()].clear();
      lastIndex[w.ordinal()] = Long.MIN_VALUE;
    }
  }
}
