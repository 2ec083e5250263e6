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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * StatsDelta} to the {@link BatchSink} (which spools it), then replaces the state file (checkpoints
 * and open day secrets) atomically. A crash before the state write redoes the same step the same
 * way (same ranges, same seed from the step's intent record), so a resent batch is identical in
 * id and content; a crash after it starts from the next step. Nothing is counted twice, nothing
 * is skipped.
 *
 * <p>A file is recognised across renames and compression by a hash of its first bytes (up to 4
 * KiB, decompressed); a checkpoint's offset counts decompressed bytes. Only complete lines are
 * read: an unterminated last line waits for the next run.
 */
public final class LogScanner {
  /** Lines longer than this are rejected (and skipped to their end). */
  public static final int MAX_LINE = 64 * 1024;
  private static final int BUF = 1 << 20;
  private static final long MIN_PART = 16L << 20;

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
  }

  /** What a scan read, for the report. */
  public static final class Result {
    /** One row per artifact (period 0) over everything read, countme rows and totals. */
    public final StatsDelta summary = new StatsDelta();
    /** One line per file that could not be read or recognised. */
    public final List<String> errors = new ArrayList<>();
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
    for (Map.Entry<Long, byte[]> e : state.secrets.entrySet()) {
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
    BlockingQueue<Worker> aggs = new ArrayBlockingQueue<>(Math.max(1, opt.threads));
    ArtifactCatalog catalog = new ArtifactCatalog(opt.rules);
    // The report (one compact sketch per artifact) gets every step's rows and downloaders; the
    // step deltas get rows only when a sink takes them (see runStep).
    SummaryRows report = new SummaryRows(res.summary);
    RangeTracker tracker = new RangeTracker(); // emptied by finish() every step
    for (int i = 0; i < Math.max(1, opt.threads); i++) {
      aggs.add(new Worker(new Aggregator(opt.rules, secrets, catalog, report, sink != null)));
    }
    PartReader parts = new PartReader(progress, res.errors);
    try {
      while (true) {
        List<StepPlan.Item> step = StepPlan.next(works, opt.stepBytes);
        if (step.isEmpty()) {
          break;
        }
        secrets.seed(checkpoints.stepSeed(state));
        StatsDelta delta = runStep(step, pool, aggs, parts, sink);
        for (Worker a : aggs) {
          a.agg.drainInto(delta, tracker);
        }
        tracker.finish(delta, report);
        long maxEpoch = Math.max(state.maxEpoch, delta.maxHour());
        for (StepPlan.Item it : step) {
          if (it.newOffset > it.start) {
            delta.addCoverage(new Coverage(it.w.cp.identity, it.start, it.newOffset));
          }
          it.w.cp.offset = Math.max(it.w.cp.offset, it.newOffset);
          if (it.cut >= it.w.planEnd || it.eof) {
            it.w.active = false;
            if (it.w.compression != ByteSource.Compression.NONE) {
              it.w.cp.doneSize = it.w.size;
              it.w.cp.doneMtime = it.w.mtime;
            }
          }
        }
        if (!delta.coverage().isEmpty() && sink != null) {
          sink.accept(delta);
          res.batches++;
        }
        // A day closes (its secret is erased) once logs reach two days past its start.
        state.maxEpoch = maxEpoch;
        if (maxEpoch != Long.MIN_VALUE) {
          secrets.closeBefore(Math.floorDiv(maxEpoch, 86400L) - 1);
        }
        state.closedBefore = secrets.closedBefore();
        state.secrets.clear();
        state.secrets.putAll(secrets.open());
        checkpoints.commit(state);
        summarise(delta, res.summary);
      }
      report.finish();
    } finally {
      pool.shutdownNow();
      for (ScanFile w : works) {
        w.closeOpen();
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

  private StatsDelta runStep(List<StepPlan.Item> step, ExecutorService pool, BlockingQueue<Worker> aggs,
      PartReader parts, BatchSink sink) throws IOException {
    List<Future<long[]>> futures = new ArrayList<>();
    List<StepPlan.Item> owners = new ArrayList<>();
    for (StepPlan.Item it : step) {
      long len = it.cut - it.start;
      int n = 1;
      if (it.w.compression == ByteSource.Compression.NONE && it.w.reader.splittable()) {
        n = (int) Math.max(1, Math.min(opt.threads * 2L, len / MIN_PART));
      }
      for (int k = 0; k < n; k++) {
        long ps = it.start + len * k / n;
        long pe = k == n - 1 ? it.cut : it.start + len * (k + 1) / n;
        boolean first = k == 0;
        futures.add(pool.submit(() -> {
          Worker a = aggs.take();
          try {
            return parts.read(it.w, ps, pe, first, a.agg, a.buf);
          } finally {
            aggs.add(a);
          }
        }));
        owners.add(it);
      }
    }
    IOException failure = null;
    for (int i = 0; i < futures.size(); i++) {
      try {
        long[] r = futures.get(i).get();
        StepPlan.Item it = owners.get(i);
        it.newOffset = Math.max(it.newOffset, r[0]);
        if (r[1] != 0 && it.w.compression != ByteSource.Compression.NONE) {
          it.eof = true;
        }
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
