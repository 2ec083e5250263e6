package io.chasm.collector;

import io.chasm.collector.internal.RollupWriter;
import io.chasm.collector.internal.Windows;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.postgresql.PGConnection;

/**
 * The storage floor of bench/collector-scale.sh --floor: what PostgreSQL alone needs to keep one
 * batch of the scale bench's shape in this schema, with no collector JVM work (no protobuf, no
 * sketches united, no HTTP, no signature). Batches are made before the clock starts; then one
 * connection acknowledges them in groups (batches + pending_rolls rows, one commit per group, as
 * the group committer does) and folds them in rolls of {@code rollBatches}: the probes the design
 * needs (stored sketches of the rows a batch adds to), written as the roller writes them ({@code
 * IN (VALUES ...)}, a join; a row IN list is a chain of ORs that cost several times more), the 100 DAY rows by COPY into stats, the
 * 200 window sketches and the roll_mirror rows upserted, roll_project, roll_artifact and the
 * catalogue once per distinct key of the roll, the pending rows deleted. Each statement kind is
 * timed; the server backend's CPU comes from /proc.
 */
final class CollectorFloorRun {
  private static final String[] PHASES = {"ack: batches + pending_rolls (group commit)", "roll: read pending_rolls",
      "probe stats (DAY keys)", "probe window_sketches", "probe roll_mirror", "COPY stats (DAY rows)",
      "upsert window_sketches", "upsert roll_mirror", "upsert roll_project", "upsert roll_artifact",
      "insert artifacts (catalogue)", "delete pending_rolls + commit"};

  private final List<String> report;
  /**
   * Design (a) of w7-C: the writer remembers the keys it wrote and, per kind, the newest window
   * stored before it started (here one figure for all mirrors: the prefill writes them alike), so
   * a key of a newer window that it never wrote is known absent and is not probed.
   */
  private final boolean memory = Boolean.getBoolean("scale.floorMemory");
  private final Set<List<Object>> written = new java.util.HashSet<>();
  private final long[] newestStored = new long[Windows.MONTH + 1];
  private final long[] nanos = new long[PHASES.length];
  private final long[] rows = new long[PHASES.length];

  CollectorFloorRun(List<String> report) {
    this.report = report;
  }

  private record Batch(long mirrorId, byte[] payload, List<StatsRow> rows) {}

  void run(String jdbc, CollectorScaleRun shape, long[] mirrorIds, int batches, int group, int rollBatches)
      throws Exception {
    var sketches = CollectorScaleRun.sketchPool();
    List<Batch> all = new ArrayList<>();
    for (int n = 0; n < batches; n++) {
      int m = n % mirrorIds.length;
      int day = n / mirrorIds.length;
      SplittableRandom rnd = new SplittableRandom(((long) day << 20) ^ m);
      long dayStart = CollectorScaleRun.FIRST.plusDays(shape.prefillDays + day).atStartOfDay(ZoneOffset.UTC)
          .toEpochSecond();
      StatsBatch b = shape.rows(StatsBatch.newBuilder().setBatchId(com.google.protobuf.ByteString.copyFromUtf8("floor-" + n)), rnd, dayStart, sketches).build();
      all.add(new Batch(mirrorIds[m], b.toByteArray(), b.getRowsList()));
    }
    // A mirror's stored week or month union: a full HLL_4 sketch, as the roller writes it.
    HllSketch big = new HllSketch(12);
    for (int i = 0; i < 4000; i++) {
      big.update("client-" + i);
    }
    byte[] union = big.toCompactByteArray();
    try (Connection c = DriverManager.getConnection(jdbc)) {
      c.setAutoCommit(false);
      int pid;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
      }
      try (Statement s = c.createStatement()) {
        // As the roller does (Roller.fold): the probes' generic plans, made while a table was small,
        // would stay sequential scans.
        s.execute("SET plan_cache_mode = force_custom_plan");
      }
      if (Boolean.getBoolean("scale.floorInline")) {
        // Sketches of up to a page's row kept inline and uncompressed (w7-C): an HLL_4 union of
        // lgK 12 is ~2.1 KB, over the 2 KB at which PostgreSQL compresses or moves a value out.
        try (Statement s = c.createStatement()) {
          for (String t : List.of("roll_mirror", "window_sketches", "stats")) {
            s.execute("ALTER TABLE " + t + " SET (toast_tuple_target = 8160)");
          }
        }
        report.add("floor: sketch tables with toast_tuple_target = 8160 (-Dscale.floorInline=true)");
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT kind, MAX(period_start) FROM roll_mirror GROUP BY kind")) {
        while (rs.next()) {
          newestStored[rs.getInt(1)] = rs.getLong(2);
        }
      }
      c.commit();
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      double pg0 = procCpu(pid);
      long jvm0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long seq = 0;
      for (int from = 0; from < all.size(); from += rollBatches) {
        List<Batch> roll = all.subList(from, Math.min(all.size(), from + rollBatches));
        for (int g = 0; g < roll.size(); g += group) {
          seq = acknowledge(c, roll.subList(g, Math.min(roll.size(), g + group)), seq, from + g);
        }
        fold(c, roll, union);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double pg = procCpu(pid) - pg0;
      double jvm = (threads.getCurrentThreadCpuTime() - jvm0) / 1e9;
      report.add(String.format(Locale.ROOT, "floor: %d batches (groups of %d, rolls of %d) in %.1f s wall on one"
              + " connection: PostgreSQL backend %.1f CPU-s (%.2f ms per batch), this JVM's thread %.1f CPU-s (%.2f ms per"
              + " batch, binding and COPY text): %.0f batches per CPU-second of both, %.0f per CPU-second of PostgreSQL",
          all.size(), group, rollBatches, wall, pg, pg * 1000 / all.size(), jvm, jvm * 1000 / all.size(),
          all.size() / (pg + jvm), all.size() / pg));
      report.add("floor: probes " + (memory ? "only for keys not known absent (-Dscale.floorMemory=true, design (a))"
          : "for every key (as main's roller)"));
      for (int i = 0; i < PHASES.length; i++) {
        report.add(String.format(Locale.ROOT, "floor:   %-44s %7.3f ms per batch (wall), %6.1f rows per batch",
            PHASES[i], nanos[i] / 1e6 / all.size(), (double) rows[i] / all.size()));
      }
    }
  }

  private long acknowledge(Connection c, List<Batch> group, long seq, int firstIndex) throws SQLException {
    long t = System.nanoTime();
    try (PreparedStatement b = c.prepareStatement(values("INSERT INTO batches (batch_id, mirror_id, content_sha256,"
        + " received_unix, row_count, downloads, bytes, lines_total, lines_rejected) VALUES ", 9, group.size()));
        PreparedStatement p = c.prepareStatement(values("INSERT INTO pending_rolls (seq, mirror_id, payload) VALUES ",
            3, group.size()))) {
      int i = 1;
      int j = 1;
      for (int k = 0; k < group.size(); k++) {
        Batch x = group.get(k);
        b.setString(i++, "floor-" + (firstIndex + k));
        b.setLong(i++, x.mirrorId);
        b.setString(i++, "sha-" + (firstIndex + k));
        b.setLong(i++, 0);
        b.setInt(i++, x.rows.size());
        b.setLong(i++, 0);
        b.setLong(i++, 0);
        b.setLong(i++, 0);
        b.setLong(i++, 0);
        p.setLong(j++, ++seq);
        p.setLong(j++, x.mirrorId);
        p.setBytes(j++, x.payload);
      }
      b.executeUpdate();
      p.executeUpdate();
    }
    c.commit();
    add(0, t, group.size());
    return seq;
  }

  private record Key(int kind, long start, String project, String artifact, String type, String protocol) {}

  private void fold(Connection c, List<Batch> roll, byte[] union) throws Exception {
    long t = System.nanoTime();
    int read = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, mirror_id, payload FROM pending_rolls ORDER BY seq LIMIT ?")) {
      ps.setInt(1, roll.size());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getBytes(3);
          read++;
        }
      }
    }
    add(1, t, read);
    StringBuilder copy = new StringBuilder();
    Map<Key, long[]> artifacts = new LinkedHashMap<>();
    Map<List<Object>, long[]> projects = new LinkedHashMap<>();
    Set<List<String>> catalogue = new LinkedHashSet<>();
    for (Batch b : roll) {
      List<StatsRow> day = new ArrayList<>();
      List<StatsRow> windows = new ArrayList<>();
      Set<Key> mirrorKeys = new LinkedHashSet<>();
      for (StatsRow r : b.rows) {
        boolean isDay = r.getGranularityValue() == Windows.DAY;
        (isDay ? day : windows).add(r);
        for (int kind = Windows.DAY; kind <= Windows.MONTH; kind++) {
          if (isDay || kind == r.getGranularityValue()) {
            long start = Windows.startOf(kind, r.getPeriodStart());
            long[] a = artifacts.computeIfAbsent(new Key(kind, start, r.getProject(), r.getArtifact(), r.getType(),
                r.getProtocol()), k -> new long[3]);
            a[0] += r.getDownloads();
            a[1] += r.getBytes();
            a[2] += 1;
            mirrorKeys.add(new Key(kind, start, r.getProject(), "", r.getType(), RollupWriter.ALL));
            mirrorKeys.add(new Key(kind, start, r.getProject(), "", RollupWriter.ALL, r.getProtocol()));
            mirrorKeys.add(new Key(kind, start, r.getProject(), "", RollupWriter.ALL, RollupWriter.ALL));
          }
        }
        if (isDay) {
          catalogue.add(List.of(r.getProject(), r.getArtifact()));
          copy.append(Windows.DAY).append('\t').append(r.getProject()).append('\t').append(r.getPeriodStart())
              .append('\t').append(r.getArtifact()).append('\t').append(r.getType()).append('\t')
              .append(r.getProtocol()).append('\t').append(b.mirrorId).append('\t').append(r.getDownloads())
              .append('\t').append(r.getBytes()).append("\t0\t\\\\x")
              .append(HexFormat.of().formatHex(r.getUniqueSketch().toByteArray())).append('\n');
        }
      }
      probe(c, 2, "stats", b.mirrorId, unknown(b.mirrorId, day));
      probe(c, 3, "window_sketches", b.mirrorId, unknown(b.mirrorId, windows));
      t = System.nanoTime();
      List<Key> probed = new ArrayList<>();
      for (Key k : mirrorKeys) {
        if (!memory || k.start <= newestStored[k.kind] || !written.add(List.of(b.mirrorId, k))) {
          probed.add(k);
        }
      }
      if (!probed.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(values("SELECT sketch FROM roll_mirror WHERE mirror_id = ? AND"
          + " (kind, period_start, project, type, protocol) IN (VALUES ", 5, probed.size()) + ")")) {
        int i = 1;
        ps.setLong(i++, b.mirrorId);
        for (Key k : probed) {
          ps.setInt(i++, k.kind);
          ps.setLong(i++, k.start);
          ps.setString(i++, k.project);
          ps.setString(i++, k.type);
          ps.setString(i++, k.protocol);
        }
        drain(ps);
        }
      }
      add(4, t, probed.size());
      t = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement(values("INSERT INTO window_sketches (project, artifact, granularity,"
          + " period_start, type, protocol, mirror_id, sketch) VALUES ", 8, windows.size())
          + " ON CONFLICT (project, artifact, granularity, period_start, type, protocol, mirror_id)"
          + " DO UPDATE SET sketch = excluded.sketch")) {
        int i = 1;
        for (StatsRow r : windows) {
          ps.setString(i++, r.getProject());
          ps.setString(i++, r.getArtifact());
          ps.setInt(i++, r.getGranularityValue());
          ps.setLong(i++, r.getPeriodStart());
          ps.setString(i++, r.getType());
          ps.setString(i++, r.getProtocol());
          ps.setLong(i++, b.mirrorId);
          ps.setBytes(i++, r.getUniqueSketch().toByteArray());
        }
        ps.executeUpdate();
      }
      add(6, t, windows.size());
      t = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement(values("INSERT INTO roll_mirror (kind, period_start, project, type,"
          + " protocol, mirror_id, downloads, bytes, bot_requests, sketch, uniq) VALUES ", 11, mirrorKeys.size())
          + " ON CONFLICT (kind, period_start, project, type, protocol, mirror_id) DO UPDATE SET downloads ="
          + " roll_mirror.downloads + excluded.downloads, bytes = roll_mirror.bytes + excluded.bytes, bot_requests ="
          + " roll_mirror.bot_requests + excluded.bot_requests, sketch = excluded.sketch, uniq = excluded.uniq")) {
        int i = 1;
        for (Key k : mirrorKeys) {
          ps.setInt(i++, k.kind);
          ps.setLong(i++, k.start);
          ps.setString(i++, k.project);
          ps.setString(i++, k.type);
          ps.setString(i++, k.protocol);
          ps.setLong(i++, b.mirrorId);
          ps.setLong(i++, 10);
          ps.setLong(i++, 10_000);
          ps.setLong(i++, 0);
          ps.setBytes(i++, union);
          ps.setLong(i++, 100);
          long[] p = projects.computeIfAbsent(List.of(k.kind, k.project, k.start, k.type, k.protocol,
              (int) Math.floorMod(b.mirrorId, RollupWriter.SHARDS)), x -> new long[1]);
          p[0] += 10;
        }
        ps.executeUpdate();
      }
      add(7, t, mirrorKeys.size());
    }
    t = System.nanoTime();
    ((PGConnection) c.unwrap(PGConnection.class)).getCopyAPI().copyIn("COPY stats (granularity, project, period_start,"
        + " artifact, type, protocol, mirror_id, downloads, bytes, bot_requests, sketch) FROM STDIN",
        new java.io.StringReader(copy.toString()));
    add(5, t, roll.size() * 100L);
    t = System.nanoTime();
    upsertProjects(c, projects);
    add(8, t, projects.size());
    t = System.nanoTime();
    upsertArtifacts(c, artifacts);
    add(9, t, artifacts.size());
    t = System.nanoTime();
    List<List<String>> cat = List.copyOf(catalogue);
    try (PreparedStatement ps = c.prepareStatement(values("INSERT INTO artifacts (project, artifact) VALUES ", 2,
        cat.size()) + " ON CONFLICT DO NOTHING")) {
      int i = 1;
      for (List<String> p : cat) {
        ps.setString(i++, p.get(0));
        ps.setString(i++, p.get(1));
      }
      ps.executeUpdate();
    }
    add(10, t, cat.size());
    t = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_rolls WHERE seq <= (SELECT MAX(seq) FROM"
        + " (SELECT seq FROM pending_rolls ORDER BY seq LIMIT ?) s)")) {
      ps.setInt(1, roll.size());
      ps.executeUpdate();
    }
    c.commit();
    add(11, t, roll.size());
  }

  /** The rows whose stored sketch must be read: all, or with the memory those not known absent. */
  private List<StatsRow> unknown(long mirrorId, List<StatsRow> rows) {
    if (!memory) {
      return rows;
    }
    List<StatsRow> out = new ArrayList<>();
    for (StatsRow r : rows) {
      if (r.getPeriodStart() <= newestStored[r.getGranularityValue()] || !written.add(List.of(mirrorId, r.getGranularityValue(),
          r.getProject(), r.getPeriodStart(), r.getArtifact(), r.getType(), r.getProtocol()))) {
        out.add(r);
      }
    }
    return out;
  }

  private void probe(Connection c, int phase, String table, long mirrorId, List<StatsRow> keys) throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    long t = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(values("SELECT sketch FROM " + table + " WHERE mirror_id = ? AND"
        + " (granularity, project, period_start, artifact, type, protocol) IN (VALUES ", 6, keys.size()) + ")")) {
      int i = 1;
      ps.setLong(i++, mirrorId);
      for (StatsRow r : keys) {
        ps.setInt(i++, r.getGranularityValue());
        ps.setString(i++, r.getProject());
        ps.setLong(i++, r.getPeriodStart());
        ps.setString(i++, r.getArtifact());
        ps.setString(i++, r.getType());
        ps.setString(i++, r.getProtocol());
      }
      drain(ps);
    }
    add(phase, t, keys.size());
  }

  private static void upsertProjects(Connection c, Map<List<Object>, long[]> projects) throws SQLException {
    for (List<Map.Entry<List<Object>, long[]>> chunk : chunks(List.copyOf(projects.entrySet()), 3000)) {
      try (PreparedStatement ps = c.prepareStatement(values("INSERT INTO roll_project (kind, project, period_start, type,"
          + " protocol, shard, downloads, bytes, bot_requests, uniq) VALUES ", 10, chunk.size())
          + " ON CONFLICT (kind, project, period_start, type, protocol, shard) DO UPDATE SET downloads ="
          + " roll_project.downloads + excluded.downloads, bytes = roll_project.bytes + excluded.bytes, uniq ="
          + " roll_project.uniq + excluded.uniq")) {
        int i = 1;
        for (Map.Entry<List<Object>, long[]> e : chunk) {
          List<Object> k = e.getKey();
          ps.setInt(i++, (Integer) k.get(0));
          ps.setString(i++, (String) k.get(1));
          ps.setLong(i++, (Long) k.get(2));
          ps.setString(i++, (String) k.get(3));
          ps.setString(i++, (String) k.get(4));
          ps.setInt(i++, (Integer) k.get(5));
          ps.setLong(i++, e.getValue()[0]);
          ps.setLong(i++, e.getValue()[0] * 1000);
          ps.setLong(i++, 0);
          ps.setLong(i++, 1);
        }
        ps.executeUpdate();
      }
    }
  }

  private static void upsertArtifacts(Connection c, Map<Key, long[]> artifacts) throws SQLException {
    // Hash order, as RollupWriter writes them (one writer at a time).
    for (List<Map.Entry<Key, long[]>> chunk : chunks(List.copyOf(artifacts.entrySet()), 3000)) {
      try (PreparedStatement ps = c.prepareStatement(values("INSERT INTO roll_artifact (kind, period_start, project,"
          + " artifact, type, protocol, downloads, bytes, bot_requests, uniq) VALUES ", 10, chunk.size())
          + " ON CONFLICT (kind, project, period_start, artifact, type, protocol) DO UPDATE SET downloads ="
          + " roll_artifact.downloads + excluded.downloads, bytes = roll_artifact.bytes + excluded.bytes, uniq ="
          + " roll_artifact.uniq + excluded.uniq")) {
        int i = 1;
        for (Map.Entry<Key, long[]> e : chunk) {
          Key k = e.getKey();
          ps.setInt(i++, k.kind);
          ps.setLong(i++, k.start);
          ps.setString(i++, k.project);
          ps.setString(i++, k.artifact);
          ps.setString(i++, k.type);
          ps.setString(i++, k.protocol);
          ps.setLong(i++, e.getValue()[0]);
          ps.setLong(i++, e.getValue()[1]);
          ps.setLong(i++, 0);
          ps.setLong(i++, e.getValue()[2]);
        }
        ps.executeUpdate();
      }
    }
  }

  private static <T> List<List<T>> chunks(List<T> all, int n) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += n) {
      out.add(all.subList(i, Math.min(all.size(), i + n)));
    }
    return out;
  }

  private static String values(String head, int columns, int rows) {
    String one = "(" + "?, ".repeat(columns - 1) + "?)";
    return head + String.join(", ", java.util.Collections.nCopies(rows, one));
  }

  private static void drain(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rs.getBytes(1);
      }
    }
  }

  private void add(int phase, long since, long n) {
    nanos[phase] += System.nanoTime() - since;
    rows[phase] += n;
  }

  /** utime + stime of a local process, in seconds (USER_HZ 100). */
  static double procCpu(int pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII)
        .replaceFirst("^.*\\) ", "").split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }
}
