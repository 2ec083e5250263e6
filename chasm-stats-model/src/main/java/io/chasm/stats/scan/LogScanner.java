package io.chasm.stats.scan;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.CountmeRow;
import io.chasm.stats.Coverage;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.internal.Aggregator;
import io.chasm.stats.internal.ArtifactCatalog;
import io.chasm.stats.internal.ByteSource;
import io.chasm.stats.internal.PeriodSecrets;
import io.chasm.stats.internal.RangeTracker;
import io.chasm.stats.internal.RotatedOrder;
import io.chasm.stats.internal.StateFile;
import io.chasm.stats.internal.SummaryRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads log files into statistics, incrementally and crash-safely.
 *
 * <p>Work is cut into steps of about {@link Options#stepBytes} bytes. A step reads its byte ranges
 * in parallel (files side by side, large plain files split at line boundaries), hands one {@link
 * StatsDelta} to the {@link BatchSink} (which spools it), then replaces the state file
 * (checkpoints with where open sessions began, open window secrets, open ranges) atomically. A
 * crash before the state write redoes the same step the same way (same ranges and file ends,
 * same seed and creation time from the step's intent record, whatever the options say now), so
 * a resent batch is identical in id and bytes; a crash after it starts from the next step.
 * Nothing is counted twice, nothing is skipped, and the counts do not depend on the step size.
 *
 * <p>A file is recognised across renames and compression by a hash of its first bytes (up to 4
 * KiB, decompressed); a checkpoint's offset counts decompressed bytes. Only complete lines are
 * read: an unterminated last line waits for the next run.
 *
 * <pre>{@code
 *   LogScanner.Options o = new LogScanner.Options();   // format detected per file, default rules
 *   o.stateDir = state;                                // omit (and pass a null sink) for a one-off report
 *   LogScanner.Result r = new LogScanner(o).scan(List.of(log), new StatsSpool(state.resolve("spool"), "mirror-a"));
 * }</pre>
 *
 * <p>Runnable: docs/samples.md, "Parse a log into statistics" and "Submit to a collector".
 */
public final class LogScanner {
  /** Lines longer than this are rejected (and skipped to their end). */
  public static final int MAX_LINE = 64 * 1024;
  private static final int BUF = 1 << 20;

  /** Receives each step's delta before the checkpoint covering it is written. */
  public interface BatchSink {
    void accept(StatsDelta delta) throws IOException;
  }

  /** Scan settings. */
  public static final class Options {
    /** Reader spec for every file; null = detect per file. */
    public String format;
    public ClassificationRules rules = ClassificationRules.defaults();
    /** Directory of the state file; null = no checkpoints (one-off scan). */
    public Path stateDir;
    public long stepBytes = 64L << 20;
    public int threads = Runtime.getRuntime().availableProcessors();
    /** Where step seeds come from; null = random (see {@link StepSeeds}). */
    public StepSeeds seeds;
    /**
     * A plain file's step is split into parts of at least this many bytes, read on different
     * threads (each part starts after a line end; tests use small parts).
     */
    public long minPartBytes = 16L << 20;
  }

  /** What a scan read, for the report. */
  public static final class Result {
    /**
     * One DAY row per artifact (period 0, without uniques) over everything read, one MONTH row
     * per artifact and month with its unique downloaders (the figure, {@code uniqueEstimate}; no
     * sketch), countme rows and totals.
     */
    public final StatsDelta summary = new StatsDelta();
    /** One line per file that could not be read or recognised. */
    public final List<String> errors = new ArrayList<>();
    /** Unique downloaders of every day, ISO week and month read (all artifacts), in that order. */
    public final List<io.chasm.stats.WindowUniques> uniques = new ArrayList<>();
    public int batches;
  }

  // One worker's counts and read buffer; workers take one for each part they read.
  private static final class Worker {
    final Aggregator agg;
    final byte[] buf = new byte[BUF];

    Worker(Aggregator agg) {
      this.agg = agg;
    }
  }

  private final Options opt;
  private final AtomicLong progress = new AtomicLong();
  private volatile long plannedBytes;

  public LogScanner(Options opt) {
    this.opt = opt;
  }

  /** Bytes read so far (decompressed) in the running scan. */
  public long progress() {
    return progress.get();
  }

  /** Bytes the scan expects to read (compressed files counted at their stored size). */
  public long planned() {
    return plannedBytes;
  }

  public Result scan(List<Path> inputs, BatchSink sink) throws IOException {
    Result res = new Result();
    Checkpoints checkpoints = new Checkpoints(opt.stateDir, opt.seeds);
    StateFile state = checkpoints.load();
    PeriodSecrets secrets = new PeriodSecrets(state.closedBefore);
    for (Map.Entry<PeriodSecrets.Key, byte[]> e : state.secrets.entrySet()) {
      secrets.put(e.getKey(), e.getValue());
    }
    List<ScanFile> works = new ArrayList<>();
    List<StateFile.Checkpoint> claimed = new ArrayList<>();
    long planned = 0;
    for (Path p : RotatedOrder.sort(inputs)) {
      try {
        ScanFile w = FileIdentity.inspect(p, state, claimed, opt.format);
        if (w != null) {
          works.add(w);
          planned += w.compression == ByteSource.Compression.NONE ? w.planEnd - w.cp.offset : w.size;
        }
      } catch (IOException | RuntimeException e) {
        res.errors.add(p + ": " + oneLine(e));
      }
    }
    plannedBytes = planned;
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, opt.threads), r -> {
      Thread t = new Thread(r, "chasm-stats-scan");
      t.setDaemon(true);
      return t;
    });
    List<Worker> aggs = new ArrayList<>();
    ArtifactCatalog catalog = new ArtifactCatalog(opt.rules);
    // The report (one unique-downloader set per artifact and open month) gets every step's rows
    // and downloaders; the step deltas get rows only when a sink takes them (see runStep).
    SummaryRows report = new SummaryRows(res.summary, res.uniques);
    RangeTracker tracker = new RangeTracker(); // open ranges of open days, across steps and runs
    tracker.load(state.carry, catalog);
    // The tracker holds the open ranges now; the record (tens of MiB on a busy day) is made again
    // before each commit, so keeping it too would only add its size to every step's peak.
    state.carry = new byte[0];
    for (int i = 0; i < Math.max(1, opt.threads); i++) {
      aggs.add(new Worker(new Aggregator(opt.rules, secrets, catalog, report, sink != null)));
    }
    PartReader parts = new PartReader(progress, res.errors);
    try {
      while (true) {
        List<StepPlan.Item> step = checkpoints.beginStep(state, works, opt.stepBytes);
        if (step.isEmpty()) {
          break;
        }
        // A step the release before SipHash began is redone with its HMAC secrets (same batches).
        secrets.seed(checkpoints.seed(), state.version < 3 && checkpoints.redone());
        StatsDelta delta = runStep(step, pool, aggs, parts, sink);
        delta.createdUnix(checkpoints.createdUnix());
        for (Worker a : aggs) {
          a.agg.drainInto(delta, tracker);
        }
        long maxEpoch = Math.max(state.maxEpoch, delta.maxHour());
        // A day closes (its secret is erased) once logs reach two days past its start; its
        // ranges are decided then. A scan that keeps no state decides the rest at its end.
        long closing = maxEpoch == Long.MIN_VALUE ? state.closedBefore
            : Math.max(state.closedBefore, Math.floorDiv(maxEpoch, 86400L) - 1);
        for (StepPlan.Item it : step) {
          if (it.newOffset > it.start) {
            delta.addCoverage(new Coverage(it.w.cp.identity, it.start, it.newOffset));
          }
          it.w.cp.offset = Math.max(it.w.cp.offset, it.newOffset);
          if (it.w.open != null) {
            it.w.cp.sessionsSince = it.w.open.sessionsSince();
          }
          if (it.cut >= it.w.planEnd || it.eof) {
            it.w.active = false;
            if (it.w.compression != ByteSource.Compression.NONE) {
              it.w.cp.doneSize = it.w.size;
              it.w.cp.doneMtime = it.w.mtime;
            }
          }
        }
        boolean last = opt.stateDir == null && StepPlan.done(works);
        tracker.finish(delta, report, last ? Long.MAX_VALUE : closing);
        if (!delta.coverage().isEmpty() && sink != null) {
          sink.accept(delta);
          res.batches++;
        }
        if (delta.keepsHours()) {
          // The report's downloaders are the batch's coupons, grouped by row once for both.
          report.feed(delta);
        }
        summarise(delta, res.summary);
        // Dead from here: the range record below and the next step's reading would otherwise run
        // with the spooled step's rows and coupons still reachable from this frame's local slot.
        delta = null;
        state.maxEpoch = maxEpoch;
        secrets.closeBefore(closing);
        state.closedBefore = secrets.closedBefore();
        report.closeBefore(state.closedBefore);
        state.secrets.clear();
        state.secrets.putAll(secrets.open());
        if (opt.stateDir != null) {
          // Without a state directory nothing is written: encoding the open ranges at every step
          // was a fifth of a report-only scan's CPU (JFR, w4-A).
          // Streamed into the state file from the tracker's columns, never copied as one array.
          state.carryWriter = tracker;
        }
        checkpoints.commit(state);
        state.carryWriter = null;
      }
      report.finish();
    } finally {
      pool.shutdownNow();
      for (ScanFile w : works) {
        w.closeStream();
      }
    }
    return res;
  }

  // The step's rows reached the report through the aggregators and the tracker; the rest here.
  private static void summarise(StatsDelta delta, StatsDelta summary) {
    for (CountmeRow c : delta.countmeRows()) {
      summary.countme(c.weekStart, c.project, c.ageBucket, c.label).add(c.systems());
    }
    summary.totals().add(delta.totals());
  }

  // Parts go to workers round-robin, each worker reading its parts in order, and the workers are
  // drained in a fixed order: a redone step then fills every sketch in the same order, so it
  // makes the same batch bytes (sketches with few entries serialise in insertion order).
  private StatsDelta runStep(List<StepPlan.Item> step, ExecutorService pool, List<Worker> aggs,
      PartReader parts, BatchSink sink) throws IOException {
    List<long[]> ranges = new ArrayList<>();
    List<StepPlan.Item> owners = new ArrayList<>();
    for (StepPlan.Item it : step) {
      long len = it.cut - it.start;
      int n = 1;
      if (it.w.compression == ByteSource.Compression.NONE && it.w.reader.splittable()) {
        n = (int) Math.max(1, Math.min(opt.threads * 2L, len / Math.max(1, opt.minPartBytes)));
      }
      for (int k = 0; k < n; k++) {
        long ps = it.start + len * k / n;
        long pe = k == n - 1 ? it.cut : it.start + len * (k + 1) / n;
        ranges.add(new long[] {ps, pe, k == 0 ? 1 : 0});
        owners.add(it);
      }
    }
    List<Future<?>> futures = new ArrayList<>();
    int workers = Math.min(aggs.size(), ranges.size());
    for (int wi = 0; wi < workers; wi++) {
      Worker a = aggs.get(wi);
      int first = wi;
      futures.add(pool.submit(() -> {
        for (int i = first; i < ranges.size(); i += workers) {
          long[] r = ranges.get(i);
          StepPlan.Item it = owners.get(i);
          long[] got = parts.read(it.w, r[0], r[1], r[2] == 1, a.agg, a.buf);
          synchronized (it) {
            it.newOffset = Math.max(it.newOffset, got[0]);
            if (got[1] != 0 && it.w.compression != ByteSource.Compression.NONE) {
              it.eof = true;
            }
          }
        }
        return null;
      }));
    }
    IOException failure = null;
    for (int i = 0; i < futures.size(); i++) {
      try {
        futures.get(i).get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (failure == null) {
          failure = c instanceof IOException ? (IOException) c : new IOException(oneLine(c), c);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return new StatsDelta(sink != null);
  }

  /** Masks digits so a shown line cannot carry a client address. */
  public static String redact(String line) {
    StringBuilder sb = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      sb.append(Character.isDigit(ch) ? '#' : Character.isISOControl(ch) ? '?' : ch);
    }
    return sb.toString();
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
  }
}
