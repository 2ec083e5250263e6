package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.LongChunks;
import io.chasm.stats.internal.hll.CouponImages;
import io.chasm.stats.ClassificationRules;
import io.chasm.stats.LogRecord;
import io.chasm.stats.RunTotals;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import java.util.Arrays;

/**
 * Counts parsed lines of one worker into primitive arrays keyed by (hour, artifact, protocol);
 * strings exist only per distinct artifact. {@link #drainInto} hands the result to a step's delta.
 *
 * <p>Counting rules: every request adds its size to {@code bytes_total} and its status class.
 * HTTP rows are made only for GET with 200 or 206 (HEAD, 3xx incl. 304, 4xx and 5xx are not
 * downloads) and for git smart-HTTP ({@code POST .../git-upload-pack} is one clone or fetch of the
 * repository; {@code GET .../info/refs?service=git-upload-pack} adds bytes only). Bots add
 * {@code bot_requests} only. A 200 (or a complete FTP/rsync/git transfer) is one download and
 * adds the client's keyed hash to the row's sketch, and its week's and month's hashes (other
 * secrets) to the WEEK and MONTH sketches; 206 ranges go to the {@link RangeTracker}.
 */
public final class Aggregator {
  private static final byte[] UPLOAD_PACK = Bytes.ascii("/git-upload-pack");
  private static final byte[] INFO_REFS = Bytes.ascii("/info/refs");
  private static final byte[] SERVICE_UPLOAD = Bytes.ascii("service=git-upload-pack");
  // Per-step arrays longer than this are released after a step (see clearRows).
  static final int SHRINK_ABOVE = 4096;
  private static final LogRecord.Protocol[] PROTOCOLS = LogRecord.Protocol.values();

  private final ArtifactCatalog catalog;
  private final BotMatcher bots;
  private final ClientHashes hashes;
  // The week and month of the last day seen (a LocalDate per line would cost more than the line).
  private long windowsOfDay = Long.MIN_VALUE, weekIndex, monthIndex;
  private final WindowSketches windowSketches = new WindowSketches();
  // The scan's report: every step's rows and downloaders' hashes (kept in a list) go to its one
  // sketch per artifact.
  private final SummaryRows report;
  // True when the step deltas keep HOUR rows (they feed batches): rows per (hour, artifact,
  // protocol) with sketches, drained into the delta; false (a report-only scan): rows per
  // (artifact, protocol) without sketches, for the report only.
  private final boolean hourRows;
  private final DownloaderHashes downloaders = new DownloaderHashes();
  private long maxHour = Long.MIN_VALUE;
  private final RunTotals totals = new RunTotals();
  private final ArtifactTable arts = new ArtifactTable();
  // Without hour rows: 1 + row of (artifact id << 2 | protocol), 0 = none.
  private int[] artRow = new int[1024];
  // With hour rows: which row is (hour, artifact, protocol)'s.
  private final LatestRowIndex hourIndex = new LatestRowIndex();
  private final LatestRowIndex.Rows rowKeys = new LatestRowIndex.Rows() {
    @Override
    public int count() {
      return rows;
    }

    @Override
    public long period(int row) {
      return counts[row * STRIDE + HOUR];
    }

    @Override
    public int art(int row) {
      return rowArt[row];
    }

    @Override
    public int proto(int row) {
      return rowProto[row];
    }
  };
  private final byte[] scratch = new byte[ArtifactPaths.MAX_PATH + 2];
  private int rows;
  private int[] rowArt = new int[256];
  private byte[] rowProto = new byte[256];
  // Per row, side by side: downloads, bytes, bot requests, hour (one cache line per line counted,
  // not one per counter).
  private static final int DOWNLOADS = 0, BYTES = 1, BOTS = 2, HOUR = 3, STRIDE = 4;
  private long[] counts = new long[256 * STRIDE];
  // The step's downloaders: packed (row, HLL coupon of the day's hash); objects per row were most
  // of a step's live set (w5-A2).
  private final LongChunks coupons = new LongChunks();
  // (project, artifact, type) per artifact id, from the shared catalog.
  private ArtifactCatalog.Artifact[] cls = new ArtifactCatalog.Artifact[256];
  private final RangeBuffer ranges = new RangeBuffer();
  private final CountmeCounter countme = new CountmeCounter();

  public Aggregator(ClassificationRules rules, PeriodSecrets secrets) {
    this(rules, secrets, new ArtifactCatalog(rules), null, true);
  }

  /**
   * @param catalog shared by the aggregators that drain into the same deltas
   * @param report null, or the scan's report, which then gets every row and downloader
   * @param hourRows whether the deltas drained into keep HOUR rows (then rows go there too)
   */
  public Aggregator(ClassificationRules rules, PeriodSecrets secrets, ArtifactCatalog catalog,
      SummaryRows report, boolean hourRows) {
    this.catalog = catalog;
    this.report = report;
    this.hourRows = hourRows;
    this.bots = new BotMatcher(rules.botPatterns());
    this.hashes = new ClientHashes(secrets);
  }

  public RunTotals totals() {
    return totals;
  }

  // For the properties: a row made twice for one key would be merged again in the delta, so
  // only these counts show it.
  int rowsMade() {
    return rows;
  }

  int windowRowsMade() {
    return windowSketches.rows();
  }

  /**
   * Counts one REQUEST record.
   *
   * @return null, or the reason the line is rejected after all (its path is not UTF-8)
   */
  public String accept(LogRecord r) {
    byte[] b = r.buf;
    int ps = r.pathStart, pe = r.pathEnd;
    LogRecord.Protocol proto = r.protocol;
    boolean git = proto == LogRecord.Protocol.GIT;
    boolean download = r.complete && r.outgoing;
    int art = -1;
    boolean http = proto == LogRecord.Protocol.HTTP;
    boolean candidate = pe > ps && r.outgoing;
    if (candidate && http) {
      int q = Bytes.indexOf(b, ps, pe, (byte) '?');
      int end = q < 0 ? pe : q;
      boolean get = r.hasMethod("GET");
      candidate = (r.status == 200 || r.status == 206) && (get || r.hasMethod("POST"));
      if (candidate) {
        if (Bytes.endsWith(b, ps, end, UPLOAD_PACK) && !get) {
          git = true;
          pe = end - UPLOAD_PACK.length;
        } else if (get && Bytes.endsWith(b, ps, end, INFO_REFS) && q >= 0
            && Bytes.containsIgnoreCase(b, q, r.pathEnd, SERVICE_UPLOAD)) {
          git = true;
          download = false;
          pe = end - INFO_REFS.length;
        } else if (!get) {
          candidate = false;
        }
      }
    }
    if (candidate) {
      if (!git && ArtifactPaths.plain(b, ps, pe)) {
        // Already its own name: interned from the line, no copy.
        art = arts.intern(b, ps, pe);
      } else {
        int len = ArtifactPaths.normalise(b, ps, pe, git, scratch);
        if (len == ArtifactPaths.CONTROL) {
          return "control character in path";
        }
        if (len == ArtifactPaths.TOO_LONG) {
          return "path longer than 4096 bytes";
        }
        art = len > 0 ? arts.intern(scratch, 0, len) : -1;
      }
      if (art >= 0 && arts.invalid(art)) {
        return "path is not valid UTF-8";
      }
    }
    totals.bytesTotal += r.bytes;
    totals.countStatus(r.status);
    if (art < 0) {
      return null;
    }
    long hour = Math.floorDiv(r.epochSecond, 3600L);
    long day = Math.floorDiv(hour, 24L);
    int row = row(hour, art, proto.ordinal());
    if (hour > maxHour) {
      maxHour = hour;
    }
    if (http && bots.isBot(b, r.agentStart, r.agentEnd)) {
      counts[row * STRIDE + BOTS]++;
      totals.botRequests++;
      return null;
    }
    counts[row * STRIDE + BYTES] += r.bytes;
    if (http && r.status == 206) {
      if (clients(day, r) && hashes.day != 0) {
        ranges.add(day, art, proto.ordinal(), hashes.day, hashes.week, hashes.month, r.bytes,
            r.epochSecond);
      }
      return null;
    }
    if (!download) {
      return null;
    }
    counts[row * STRIDE + DOWNLOADS]++;
    if (http) {
      ranges.full(day, art, proto.ordinal(), r.bytes);
    }
    long c = 0, wh = 0, mh = 0;
    if (clients(day, r)) {
      c = hashes.day;
      wh = hashes.week;
      mh = hashes.month;
    }
    if (report != null && !hourRows && (c | wh | mh) != 0) {
      // With hour rows the report reads the step's coupons from the delta (SummaryRows.feed).
      downloaders.add(row, day, c, wh, mh);
    }
    if (hourRows && (wh | mh) != 0) {
      windowSketches.add(art, proto.ordinal(), weekIndex, wh, monthIndex, mh);
    }
    if (c != 0 && hourRows) {
      coupons.add(CouponImages.pack(row, CouponImages.coupon(c)));
    }
    if (http) {
      countme.count(r, art, ps, r.pathEnd);
    }
    return null;
  }

  // Sets hashes' day, week and month values (0 where a window has closed); false without a client.
  private boolean clients(long day, LogRecord r) {
    if (r.clientEnd <= r.clientStart) {
      return false;
    }
    if (day != windowsOfDay) {
      weekIndex = io.chasm.stats.Window.WEEK.indexOfDay(day);
      monthIndex = io.chasm.stats.Window.MONTH.indexOfDay(day);
      windowsOfDay = day;
    }
    hashes.of(day, weekIndex, monthIndex, r.buf, r.clientStart, r.clientEnd);
    if (hashes.day == 0) {
      totals.lateLines++;
    }
    return true;
  }

  private int row(long hour, int art, int proto) {
    if (!hourRows) {
      // Rows per (artifact, protocol): an array index, artifact ids being dense.
      int k = (art << 2) | proto;
      if (k < artRow.length && artRow[k] > 0) {
        return artRow[k] - 1;
      }
      int i = newRow(hour, art, proto);
      if (k >= artRow.length) {
        artRow = Arrays.copyOf(artRow, Math.max(k + 1, artRow.length * 2));
      }
      artRow[k] = i + 1;
      return i;
    }
    int i = hourIndex.find(hour, art, proto, rowKeys);
    if (i < 0) {
      i = newRow(hour, art, proto);
      hourIndex.made(i);
    }
    return i;
  }

  private int newRow(long hour, int art, int proto) {
    int i = rows++;
    if (i == rowArt.length) {
      int n = i * 2;
      rowArt = Arrays.copyOf(rowArt, n);
      rowProto = Arrays.copyOf(rowProto, n);
      counts = Arrays.copyOf(counts, n * STRIDE);
    }
    counts[i * STRIDE + HOUR] = hour;
    rowArt[i] = art;
    rowProto[i] = (byte) proto;
    return i;
  }

  /**
   * Moves everything counted so far into the step's delta (rows only when it keeps hours), the
   * report (rows and downloaders) and the range tracker.
   */
  public void drainInto(StatsDelta delta, RangeTracker tracker) {
    if (cls.length < arts.size()) {
      cls = Arrays.copyOf(cls, Math.max(arts.size(), cls.length * 2));
    }
    boolean keepHours = delta.keepsHours();
    if (keepHours != hourRows || (!keepHours && report == null)) {
      throw new IllegalStateException("counted " + (hourRows ? "hour" : "report") + " rows only");
    }
    if (!keepHours && maxHour != Long.MIN_VALUE) {
      delta.noteHour(maxHour * 3600);
    }
    String[] labels = new String[PROTOCOLS.length];
    for (int p = 0; p < labels.length; p++) {
      labels[p] = PROTOCOLS[p].label();
    }
    // A row's downloaders go to its HOUR row, and through it to its DAY row (a DAY row is the set
    // of its own coupons).
    int[] hourRow = new int[rows];
    for (int i = 0; i < rows; i++) {
      ArtifactCatalog.Artifact c = classify(rowArt[i]);
      int proto = rowProto[i];
      int at = i * STRIDE;
      long hour = counts[at + HOUR], downloads = counts[at + DOWNLOADS], bytes = counts[at + BYTES];
      long bots = counts[at + BOTS];
      if (keepHours) {
        // By index into the delta's columns: no row object, key or map node per row.
        hourRow[i] = delta.rowIndex(hour * 3600, StatsRow.Granularity.HOUR, c.id, c.project,
            c.path, c.type, labels[proto]);
        delta.add(hourRow[i], downloads, bytes, bots);
        int dayRow = delta.rowIndex(Math.floorDiv(hour, 24L) * 86400, StatsRow.Granularity.DAY,
            c.id, c.project, c.path, c.type, labels[proto]);
        delta.add(dayRow, downloads, bytes, bots);
      }
      if (report != null) {
        report.add(c, proto, downloads, bytes, bots);
      }
    }
    if (keepHours && coupons.size() > 0) {
      // Renumbered to the delta's HOUR rows in place and handed over whole; the delta derives
      // the DAY rows' coupons when it groups them (a copy of each, twice, was the step end's
      // largest item, w7-A).
      coupons.take((cp, n) -> {
        for (int j = 0; j < n; j++) {
          cp[j] = CouponImages.pack(hourRow[CouponImages.row(cp[j])], (int) cp[j]);
        }
        delta.takeUniqueCoupons(cp, n, true);
      });
    }
    if (!downloaders.isEmpty()) {
      downloaders.drainInto(report, rows, rowArt, rowProto, this::classify);
    }
    windowSketches.drainInto(delta, this::classify);
    ranges.drainInto(tracker, this::classify);
    countme.drainInto(delta, this::classify);
    delta.totals().add(totals);
    reset();
  }

  private ArtifactCatalog.Artifact classify(int art) {
    ArtifactCatalog.Artifact[] cache = cls;
    ArtifactCatalog.Artifact c = cache[art];
    if (c == null) {
      c = catalog.classify(arts.name(art));
      cache[art] = c;
    }
    return c;
  }

  private void clearRows() {
    boolean shrink = hourRows && rowArt.length > SHRINK_ABOVE;
    if (shrink) {
      // Released, not kept at their high-water size, when the step's delta keeps rows: its end
      // (delta, sketches, batches) is the run's peak live set, and these are not needed there
      // (w5-A). A report-only scan has no such peak, so it keeps them and makes no garbage.
      rowArt = new int[256];
      rowProto = new byte[256];
      counts = new long[256 * STRIDE];
    } else {
      Arrays.fill(counts, 0);
    }
    hourIndex.clear(shrink);
    rows = 0;
    coupons.clear();
    Arrays.fill(artRow, 0);
    downloaders.clear(hourRows);
    windowSketches.clear(hourRows);
  }

  private void reset() {
    // Artifacts stay interned (the table is bounded by distinct artifacts); counters restart.
    clearRows();
    ranges.clear();
    maxHour = Long.MIN_VALUE;
    countme.clear();
    RunTotals fresh = new RunTotals();
    totals.linesTotal = fresh.linesTotal;
    totals.linesRejected = 0;
    totals.nonRequestLines = 0;
    totals.bytesTotal = 0;
    totals.status2xx = totals.status3xx = totals.status4xx = totals.status5xx = 0;
    totals.botRequests = 0;
    totals.lateLines = 0;
    totals.rejectedSamples.clear();
  }
}
