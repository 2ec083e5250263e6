package io.chasm.stats.scan;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.CountmeRow;
import io.chasm.stats.Coverage;
import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.RunTotals;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.format.LogFormats;
import io.chasm.stats.internal.Aggregator;
import io.chasm.stats.internal.ArtifactCatalog;
import io.chasm.stats.internal.Bytes;
import io.chasm.stats.internal.ByteSource;
import io.chasm.stats.internal.PeriodSecrets;
import io.chasm.stats.internal.SummaryRows;
import io.chasm.stats.internal.RangeTracker;
import io.chasm.stats.internal.RotatedOrder;
import io.chasm.stats.internal.StateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
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
  private static final int PREFIX = 4096;
  private static final int SAMPLE_LINES = 64;
  private static final long MIN_PART = 16L << 20;
  private static final int MAX_CHECKPOINTS = 4096;

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

  private static final class FileWork {
    Path path;
    ByteSource.Compression compression;
    StateFile.Checkpoint cp;
    LogReader reader;
    long planEnd;
    long size;
    long mtime;
    boolean active = true;
  }

  // One worker's counts and read buffer; workers take one for each part they read.
  private static final class Worker {
    final Aggregator agg;
    final byte[] buf = new byte[BUF];

    Worker(Aggregator agg) {
      this.agg = agg;
    }
  }

  private static final class Item {
    FileWork w;
    long start, cut;
    long newOffset;
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
    Path statePath = opt.stateDir == null ? null : opt.stateDir.resolve("state.bin");
    StateFile state = statePath == null ? new StateFile() : StateFile.load(statePath);
    PeriodSecrets secrets = new PeriodSecrets(state.closedBefore);
    for (Map.Entry<Long, byte[]> e : state.secrets.entrySet()) {
      secrets.put(e.getKey(), e.getValue());
    }
    List<FileWork> works = new ArrayList<>();
    List<StateFile.Checkpoint> claimed = new ArrayList<>();
    long planned = 0;
    for (Path p : RotatedOrder.sort(inputs)) {
      try {
        FileWork w = inspect(p, state, claimed);
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
    try {
      while (true) {
        List<Item> step = plan(works);
        if (step.isEmpty()) {
          break;
        }
        secrets.seed(stepSeed(state));
        StatsDelta delta = runStep(step, pool, aggs, res, sink);
        for (Worker a : aggs) {
          a.agg.drainInto(delta, tracker);
        }
        tracker.finish(delta, report);
        long maxEpoch = Math.max(state.maxEpoch, delta.maxHour());
        for (Item it : step) {
          if (it.newOffset > it.start) {
            delta.addCoverage(new Coverage(it.w.cp.identity, it.start, it.newOffset));
          }
          it.w.cp.offset = Math.max(it.w.cp.offset, it.newOffset);
          if (it.cut >= it.w.planEnd) {
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
        state.generation++;
        while (state.checkpoints.size() > MAX_CHECKPOINTS) {
          state.checkpoints.remove(0);
        }
        if (statePath != null) {
          state.save(statePath);
          Files.deleteIfExists(opt.stateDir.resolve("intent.bin"));
        }
        summarise(delta, res.summary);
      }
      report.finish();
    } finally {
      pool.shutdownNow();
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

  // The step seed: random, recorded in intent.bin before the step runs, reused if the step is
  // redone after a crash (the state generation tells whether the intent belongs to this step).
  private byte[] stepSeed(StateFile state) throws IOException {
    if (opt.seeds != null) {
      return opt.seeds.seed(state.generation);
    }
    if (opt.stateDir == null) {
      byte[] s = new byte[32];
      new SecureRandom().nextBytes(s);
      return s;
    }
    Path intent = opt.stateDir.resolve("intent.bin");
    if (Files.exists(intent)) {
      byte[] b = Files.readAllBytes(intent);
      if (b.length == 40 && java.nio.ByteBuffer.wrap(b).getLong() == state.generation) {
        return Arrays.copyOfRange(b, 8, 40);
      }
    }
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    byte[] rec = java.nio.ByteBuffer.allocate(40).putLong(state.generation).put(s).array();
    StateFile.writeAtomically(intent, rec);
    return s;
  }

  private List<Item> plan(List<FileWork> works) {
    List<Item> step = new ArrayList<>();
    long budget = Math.max(1, opt.stepBytes);
    for (FileWork w : works) {
      if (!w.active) {
        continue;
      }
      Item it = new Item();
      it.w = w;
      it.start = w.cp.offset;
      if (w.compression == ByteSource.Compression.NONE) {
        long take = Math.min(w.planEnd - it.start, budget);
        if (take <= 0) {
          w.active = false;
          continue;
        }
        it.cut = it.start + take;
        budget -= take;
      } else {
        it.cut = w.planEnd;
        budget -= w.size;
      }
      it.newOffset = it.start;
      step.add(it);
      if (budget <= 0) {
        break;
      }
    }
    return step;
  }

  private StatsDelta runStep(List<Item> step, ExecutorService pool, BlockingQueue<Worker> aggs,
      Result res, BatchSink sink) throws IOException {
    List<Future<long[]>> futures = new ArrayList<>();
    List<Item> owners = new ArrayList<>();
    for (Item it : step) {
      long len = it.cut - it.start;
      int parts = 1;
      if (it.w.compression == ByteSource.Compression.NONE && it.w.reader.splittable()) {
        parts = (int) Math.max(1, Math.min(opt.threads * 2L, len / MIN_PART));
      }
      for (int k = 0; k < parts; k++) {
        long ps = it.start + len * k / parts;
        long pe = k == parts - 1 ? it.cut : it.start + len * (k + 1) / parts;
        boolean first = k == 0;
        futures.add(pool.submit(() -> {
          Worker a = aggs.take();
          try {
            return readPart(it.w, ps, pe, first, a.agg, a.buf, res);
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
        Item it = owners.get(i);
        it.newOffset = Math.max(it.newOffset, r[0]);
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

  /**
   * Reads the lines whose first byte lies in [from, to) (the last one may end past {@code to}, but
   * not past the planned end of the file). Returns {end of the last complete line read}.
   */
  private long[] readPart(FileWork w, long from, long to, boolean atLineStart, Aggregator agg,
      byte[] buf, Result res) throws IOException {
    LogReader reader = w.reader.fresh();
    LogRecord rec = new LogRecord();
    RunTotals t = agg.totals();
    long lastEnd = from;
    boolean skip = !atLineStart && from > 0 && !precededByNewline(w, from);
    int len = 0;
    long base = from; // file offset of buf[0]
    boolean oversize = false;
    long reported = 0;
    try (ByteSource src = ByteSource.open(w.path, w.compression, from, w.planEnd)) {
      outer:
      while (true) {
        int n;
        try {
          n = src.read(buf, len, buf.length - len);
        } catch (IOException e) {
          synchronized (res) {
            res.errors.add(w.path + ": " + oneLine(e) + " (after byte " + (base + len)
                + "; lines before it were counted)");
          }
          break;
        }
        if (n < 0) {
          break;
        }
        if (n == 0) {
          continue;
        }
        int scan = len;
        len += n;
        progress.addAndGet(n);
        reported += n;
        int lineStart = 0;
        for (int i = Bytes.indexOf(buf, scan, len, (byte) '\n'); i >= 0;
            i = Bytes.indexOf(buf, i + 1, len, (byte) '\n')) {
          long absStart = base + lineStart;
          if (skip) {
            skip = false;
          } else if (oversize) {
            oversize = false;
            t.linesTotal++;
            t.linesRejected++;
            sample(t, w, absStart, "line longer than 64 KiB");
          } else {
            if (absStart >= to) {
              lastEnd = absStart;
              break outer;
            }
            line(buf, lineStart, i, reader, rec, agg, t, w, absStart);
          }
          lineStart = i + 1;
          lastEnd = base + lineStart;
          if (lastEnd >= to && !skip) {
            break outer;
          }
        }
        if (lineStart == 0 && len == buf.length) {
          // No line end in a full buffer: drop it and skip to the end of this line.
          if (!skip) {
            oversize = true;
          }
          base += len;
          len = 0;
        } else {
          System.arraycopy(buf, lineStart, buf, 0, len - lineStart);
          base += lineStart;
          len -= lineStart;
        }
      }
    }
    return new long[] {lastEnd};
  }

  private void line(byte[] buf, int s, int e, LogReader reader, LogRecord rec, Aggregator agg,
      RunTotals t, FileWork w, long absStart) {
    if (e > s && buf[e - 1] == '\r') {
      e--;
    }
    t.linesTotal++;
    if (e - s > MAX_LINE) {
      t.linesRejected++;
      sample(t, w, absStart, "line longer than 64 KiB");
      return;
    }
    if (e == s) {
      t.nonRequestLines++;
      return;
    }
    LogRecord.Kind k;
    try {
      k = reader.parse(buf, s, e, rec);
    } catch (RuntimeException ex) {
      // A reader bug must not lose the run: the line is rejected and named.
      rec.reason = "reader error " + ex.getClass().getSimpleName();
      k = LogRecord.Kind.REJECTED;
    }
    if (k == LogRecord.Kind.REQUEST) {
      String why = agg.accept(rec);
      if (why != null) {
        t.linesRejected++;
        sample(t, w, absStart, why);
      }
    } else if (k == LogRecord.Kind.NON_REQUEST) {
      t.nonRequestLines++;
    } else {
      t.linesRejected++;
      sample(t, w, absStart, rec.reason == null ? "rejected" : rec.reason);
    }
  }

  private static void sample(RunTotals t, FileWork w, long offset, String reason) {
    if (t.rejectedSamples.size() < RunTotals.MAX_SAMPLES) {
      t.sample(w.path.getFileName() + " at byte " + offset + ": " + reason);
    }
  }

  private static boolean precededByNewline(FileWork w, long from) throws IOException {
    try (ByteSource s = ByteSource.open(w.path, w.compression, from - 1, from)) {
      byte[] b = new byte[1];
      return s.read(b, 0, 1) == 1 && b[0] == '\n';
    }
  }

  private FileWork inspect(Path p, StateFile state, List<StateFile.Checkpoint> claimed)
      throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime");
    FileWork w = new FileWork();
    w.path = p;
    w.size = (Long) a.get("size");
    w.mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
    long dev = ((Number) a.get("dev")).longValue();
    long ino = ((Number) a.get("ino")).longValue();
    w.compression = ByteSource.detect(p);
    if (w.compression != ByteSource.Compression.NONE) {
      for (StateFile.Checkpoint c : state.checkpoints) {
        if (c.dev == dev && c.ino == ino && c.doneSize == w.size && c.doneMtime == w.mtime) {
          return null; // a compressed file read to its end before: it cannot have grown
        }
      }
    }
    byte[] prefix = new byte[PREFIX];
    int plen = 0;
    try (ByteSource s = ByteSource.open(p, w.compression, 0, Long.MAX_VALUE)) {
      int n;
      while (plen < PREFIX && (n = s.read(prefix, plen, PREFIX - plen)) > 0) {
        plen += n;
      }
    } catch (IOException e) {
      if (plen == 0) {
        throw e;
      }
    }
    if (plen == 0) {
      return null;
    }
    StateFile.Checkpoint match = null;
    for (StateFile.Checkpoint c : state.checkpoints) {
      if (c.prefixLen <= plen && MessageDigest.isEqual(c.prefixHash, sha256(prefix, 0, c.prefixLen))) {
        if (match == null || (c.dev == dev && c.ino == ino)) {
          match = c;
        }
      }
    }
    if (match != null && claimed.contains(match)) {
      return null; // two names for the same content in one run (e.g. x.1 and x.1.gz): read one
    }
    w.planEnd = w.compression == ByteSource.Compression.NONE ? w.size : Long.MAX_VALUE;
    if (match != null && w.compression == ByteSource.Compression.NONE && w.size < match.offset) {
      match = null; // truncated in place: new content under the same name
    }
    if (match == null) {
      match = new StateFile.Checkpoint();
      byte[] id = java.nio.ByteBuffer.allocate(24).putLong(dev).putLong(ino)
          .putLong(state.generation).array();
      match.identity = sha256(id, prefix, plen);
      state.checkpoints.add(match);
    }
    match.dev = dev;
    match.ino = ino;
    if (match.prefixLen < plen) {
      match.prefixLen = plen;
      match.prefixHash = sha256(prefix, 0, plen);
    }
    claimed.add(match);
    w.cp = match;
    if (w.compression == ByteSource.Compression.NONE && match.offset >= w.size) {
      w.active = false;
    }
    w.reader = reader(p, w.compression);
    return w;
  }

  private LogReader reader(Path p, ByteSource.Compression c) throws IOException {
    if (opt.format != null) {
      return LogFormats.byName(opt.format);
    }
    List<byte[]> sample = new ArrayList<>();
    byte[] buf = new byte[256 * 1024];
    int len = 0;
    try (ByteSource s = ByteSource.open(p, c, 0, Long.MAX_VALUE)) {
      int n;
      while (len < buf.length && (n = s.read(buf, len, buf.length - len)) > 0) {
        len += n;
      }
    } catch (IOException e) {
      if (len == 0) {
        throw e;
      }
    }
    int st = 0;
    for (int i = 0; i < len && sample.size() < SAMPLE_LINES; i++) {
      if (buf[i] == '\n') {
        int e = i > st && buf[i - 1] == '\r' ? i - 1 : i;
        sample.add(Arrays.copyOfRange(buf, st, e));
        st = i + 1;
      }
    }
    LogReader r = LogFormats.detect(sample);
    if (r == null) {
      String first = sample.isEmpty() ? new String(buf, 0, Math.min(len, 200), java.nio.charset.StandardCharsets.UTF_8)
          : new String(sample.get(0), 0, Math.min(sample.get(0).length, 200), java.nio.charset.StandardCharsets.UTF_8);
      throw new IllegalArgumentException("unknown log format (first line, digits masked: "
          + redact(first) + "); name one with --format");
    }
    return r;
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

  private static byte[] sha256(byte[] a, byte[] b) {
    return sha256(a, b, b.length);
  }

  private static byte[] sha256(byte[] a, byte[] b, int blen) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(a);
      md.update(b, 0, blen);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] b, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(b, off, len);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
