package io.chasm.collector;

import com.google.protobuf.ByteString;
import io.chasm.collector.server.CollectorServer;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.datasketches.hll.HllSketch;

/**
 * The collector at scale (bench/collector-scale.sh): {@code mirrors} enrolled mirrors each send one
 * batch per day for {@code days} days, day after day as agents would, each batch with 100
 * artifacts out of a catalogue of 10,000 (DAY rows with counters and a day sketch, and the WEEK
 * and MONTH rows of the same artifacts with their window sketches, as a windowed agent sends).
 * Batches are made and signed on producer threads from a pool of pre-built sketches while
 * submitter threads POST them over loopback; then the pages and API answers are timed.
 */
final class CollectorScaleRun {
  static final int CATALOGUE = 10_000;
  static final int PER_BATCH = 100;
  static final String[] PROJECTS = {"debian", "fedora", "ubuntu", "archlinux"};
  static final String[] TYPES = {"deb", "rpm", "deb", "other"};
  static final LocalDate FIRST = LocalDate.of(2025, 1, 1);

  final int mirrors;
  final int days;
  final int submitters;
  final int producers;
  /** Days written straight into the tables before the HTTP days ({@link ScalePrefill}); 0 for none. */
  int prefillDays;
  /**
   * Whether the database holds an earlier run's data (bench/collector-scale.sh --keep): the mirrors
   * are enrolled already (their keys come from their names), nothing is prefilled, and the HTTP
   * days follow the last day in the rollups.
   */
  boolean reuse;
  /** The first HTTP day, counted from {@link #FIRST}. */
  private int firstHttpDay;
  final List<String> report = new ArrayList<>();

  CollectorScaleRun(int mirrors, int days, int submitters, int producers) {
    this.mirrors = mirrors;
    this.days = days;
    this.submitters = submitters;
    this.producers = producers;
  }

  /**
   * CPU seconds used so far by this JVM and by the PostgreSQL server's processes (from /proc; the
   * pool's backends live through the run), since on a shared machine wall time says little.
   */
  static double[] cpuSeconds(String jdbc) throws Exception {
    double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    double pg = 0;
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbc);
        java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT pid FROM pg_stat_activity")) {
      while (rs.next()) {
        java.nio.file.Path stat = java.nio.file.Path.of("/proc", String.valueOf(rs.getInt(1)), "stat");
        if (java.nio.file.Files.exists(stat)) {
          String[] f = java.nio.file.Files.readString(stat).replaceFirst("^.*\\) ", "").split(" ");
          pg += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime at USER_HZ 100
        }
      }
    }
    return new double[] {jvm, pg};
  }

  /** CPU seconds to make and sign one batch, measured alone so it can be taken out of the JVM's. */
  double generatorCpuPerBatch(int n) {
    java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
    TestMirror m = new TestMirror("calibration");
    ByteString[] sketches = sketchPool();
    long c0 = t.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      batch(m, i, sketches);
    }
    return (t.getCurrentThreadCpuTime() - c0) / 1e9 / n;
  }

  void run(CollectorServer server, String jdbc) throws Exception {
    double genCpu = generatorCpuPerBatch(200);
    TestMirror[] ms = new TestMirror[mirrors];
    for (int m = 0; m < mirrors; m++) {
      String name = String.format(Locale.ROOT, "mirror-%04d", m);
      ms[m] = new TestMirror(name, java.security.MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      if (!reuse) {
        server.store().enrol(ms[m].name(), ms[m].publicKey(), Optional.empty());
      }
    }
    firstHttpDay = prefillDays;
    if (reuse) {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbc);
          java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT MAX(period_start) FROM roll_mirror WHERE kind = 2")) {
        rs.next();
        firstHttpDay = (int) (rs.getLong(1) / 86400 - FIRST.toEpochDay()) + 1;
      }
      report.add("reuse: the database of an earlier run; HTTP days from " + FIRST.plusDays(firstHttpDay));
    } else if (prefillDays > 0) {
      long p0 = System.nanoTime();
      ScalePrefill.run(jdbc, FIRST, prefillDays);
      report.add(String.format(Locale.ROOT, "prefill: %d mirrors x %d days written in SQL in %.0f s (not through HTTP)",
          mirrors, prefillDays, (System.nanoTime() - p0) / 1e9));
    }
    ByteString[] sketches = sketchPool();
    long total = (long) mirrors * days;
    BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(512);
    byte[] end = new byte[0];
    AtomicLong next = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(producers + submitters);
    List<Future<?>> producing = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      producing.add(pool.submit(() -> {
        for (long n; (n = next.getAndIncrement()) < total; ) {
          // Day-major: every mirror's batch of a day, then the next day.
          queue.put(batch(ms[(int) (n % mirrors)], (int) (n / mirrors), sketches));
        }
        return null;
      }));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    URI endpoint = server.uri().resolve("api/v1/batches");
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong busy = new AtomicLong();
    long[] marks = new long[11];
    double[] cpu0 = cpuSeconds(jdbc);
    long t0 = System.nanoTime();
    marks[0] = t0;
    List<Future<?>> submitting = new ArrayList<>();
    for (int s = 0; s < submitters; s++) {
      submitting.add(pool.submit(() -> {
        for (byte[] body; (body = queue.take()) != end; ) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(2))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
          while (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
            // Past the collector's pending bound: resend when it says, as an agent does.
            busy.incrementAndGet();
            Thread.sleep(1000L * Long.parseLong(r.headers().firstValue("Retry-After").get()));
            r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
          }
          if (r.statusCode() != 201) {
            failed.incrementAndGet();
            System.err.println("batch refused: " + r.statusCode() + " " + r.body());
          }
          long d = done.incrementAndGet();
          if (d * 10 % total < 10 && d * 10 / total > 0) {
            marks[(int) Math.min(10, d * 10 / total)] = System.nanoTime();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : producing) {
      f.get();
    }
    for (int s = 0; s < submitters; s++) {
      queue.put(end);
    }
    for (Future<?> f : submitting) {
      f.get();
    }
    pool.shutdown();
    double acknowledged = (System.nanoTime() - t0) / 1e9;
    // Ingest is done when the rollups have it all (a read past the read bound would not wait).
    server.store().rollAll();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] cpu1 = cpuSeconds(jdbc);
    double collectorCpu = cpu1[0] - cpu0[0] - genCpu * total;
    double pgCpu = cpu1[1] - cpu0[1];
    double slowest = Double.MAX_VALUE;
    StringBuilder deciles = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      if (marks[i] > marks[i - 1] && marks[i - 1] > 0) {
        double rate = total / 10.0 / ((marks[i] - marks[i - 1]) / 1e9);
        slowest = Math.min(slowest, rate);
        deciles.append(String.format(Locale.ROOT, " %.0f", rate));
      }
    }
    report.add(String.format(Locale.ROOT,
        "ingest: %d mirrors x %d days = %d batches (%d rows each) in %.1f s: %.0f batches/s overall,"
            + " slowest tenth %.0f batches/s; per tenth:%s; refused %d; 503 busy (resent) %d",
        mirrors, days, total, PER_BATCH * 3, seconds, total / seconds, slowest, deciles, failed.get(), busy.get()));
    report.add(String.format(Locale.ROOT,
        "ingest: last batch acknowledged after %.1f s (%.0f batches/s), in the rollups after %.1f s",
        acknowledged, total / acknowledged, seconds));
    report.add(String.format(Locale.ROOT,
        "ingest CPU: collector JVM %.1f s (generator's %.1f s taken out), PostgreSQL %.1f s: %.0f batches per CPU-second"
            + " of collector + PostgreSQL (%.1f cores' worth of the wall time)",
        collectorCpu, genCpu * total, pgCpu, total / (collectorCpu + pgCpu), (collectorCpu + pgCpu) / seconds));
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " batches refused");
    }
  }

  /**
   * Times each view {@code n} times in turn (after 3 untimed runs); p50, p95 and max in ms. Beside
   * the project page, its reads one by one ({@link ProjectPageQueries}); while it all runs, what
   * the database does ({@link DbActivitySampler}), printed beside each sample over 200 ms.
   */
  void measure(CollectorServer server, int n, String jdbc) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String[][] views = {
        {"home page", "/"},
        {"project page", "/projects/debian"},
        {"time series (API, per day, all data)", "/api/v1/projects/debian/series?interval=day"},
        {"CSV export (top 500 artifacts, all data)", "/api/v1/projects/debian/artifacts?format=csv&limit=500"},
        {"projects (API)", "/api/v1/projects"},
    };
    List<String> slow = new ArrayList<>();
    try (DbActivitySampler sampler = new DbActivitySampler(jdbc)) {
      report.add("measure: started " + java.time.Instant.now());
      for (String[] v : views) {
        ProjectPageQueries parts = v[1].equals("/projects/debian")
            ? new ProjectPageQueries(server.store().reader(), "debian", n) : null;
        long[] ms = new long[n];
        for (int i = -3; i < n; i++) {
          long wall = System.currentTimeMillis();
          long t = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve(v[1].substring(1))).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            throw new IllegalStateException(v[1] + " answered " + r.statusCode() + ": " + r.body());
          }
          long took = (System.nanoTime() - t) / 1_000_000;
          if (i >= 0) {
            ms[i] = took;
            if (parts != null) {
              parts.sample();
            }
          }
          if (i >= 0 && took > 200 && slow.size() < 400) {
            slow.add(String.format(Locale.ROOT, "slow sample: %s %d ms at %s", v[1], took, java.time.Instant.ofEpochMilli(wall)));
            sampler.between(wall - 100, wall + took).stream().limit(12).forEach(l -> slow.add("  " + l));
          }
        }
        Arrays.sort(ms);
        report.add(String.format(Locale.ROOT, "latency %-42s p50 %4d ms  p95 %4d ms  max %4d ms  (n=%d, %s)", v[0],
            ms[n / 2], ms[(int) Math.ceil(n * 0.95) - 1], ms[n - 1], n, v[1]));
        if (parts != null) {
          parts.report().forEach((q, f) -> report.add(String.format(Locale.ROOT, "  project page read %-26s %s", q, f)));
        }
      }
      report.add("measure: ended " + java.time.Instant.now() + "; samples with a vacuum running: roll_artifact "
          + sampler.vacuumShare("roll_artifact") + ", roll_mirror " + sampler.vacuumShare("roll_mirror"));
    }
    report.addAll(slow);
  }

  StatsBatch.Builder rows(StatsBatch.Builder b, SplittableRandom rnd, long dayStart, ByteString[] sketches) {
    LocalDate day = LocalDate.ofEpochDay(dayStart / 86400);
    long week = day.minusDays(day.getDayOfWeek().getValue() - 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    long month = day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    int[] picked = rnd.ints(0, CATALOGUE).distinct().limit(PER_BATCH).sorted().toArray();
    for (int a : picked) {
      String project = PROJECTS[a % PROJECTS.length];
      String artifact = "/" + project + "/pool/pkg" + a + (a % 97 == 0 ? ".iso" : "." + TYPES[a % PROJECTS.length]);
      String type = a % 97 == 0 ? "iso" : TYPES[a % PROJECTS.length];
      String protocol = rnd.nextInt(5) == 0 ? "rsync" : "http";
      long downloads = 1 + rnd.nextInt(60);
      StatsRow.Builder r = StatsRow.newBuilder().setProject(project).setArtifact(artifact).setType(type)
          .setProtocol(protocol);
      b.addRows(r.clone().setGranularity(Granularity.DAY).setPeriodStart(dayStart).setDownloads(downloads)
          .setBytes(downloads * (1000 + a)).setUniqueSketch(sketches[rnd.nextInt(sketches.length)]));
      b.addRows(r.clone().setGranularity(Granularity.WEEK).setPeriodStart(week)
          .setUniqueSketch(sketches[rnd.nextInt(sketches.length)]));
      b.addRows(r.clone().setGranularity(Granularity.MONTH).setPeriodStart(month)
          .setUniqueSketch(sketches[rnd.nextInt(sketches.length)]));
    }
    return b;
  }

  private byte[] batch(TestMirror m, int day, ByteString[] sketches) {
    SplittableRandom rnd = new SplittableRandom(((long) day << 20) ^ m.name().hashCode());
    long dayStart = FIRST.plusDays(firstHttpDay + day).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    byte[] bytes = rows(m.batch("day-" + (firstHttpDay + day)), rnd, dayStart, sketches).build().toByteArray();
    return SignedStatsBatch.newBuilder().setBatch(ByteString.copyFrom(bytes)).setSignatureAlgorithm(1)
        .setPublicKey(ByteString.copyFrom(m.publicKey().raw())).setSignature(ByteString.copyFrom(m.sign(bytes)))
        .build().toByteArray();
  }

  /** Sketches of 1 to 40 downloaders (what one artifact sees on one mirror in a day), built once. */
  static ByteString[] sketchPool() {
    ByteString[] pool = new ByteString[256];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < pool.length; i++) {
      HllSketch s = new HllSketch(12);
      int n = 1 + rnd.nextInt(40);
      for (int k = 0; k < n; k++) {
        s.update(rnd.nextLong());
      }
      pool[i] = ByteString.copyFrom(s.toCompactByteArray());
    }
    return pool;
  }
}
