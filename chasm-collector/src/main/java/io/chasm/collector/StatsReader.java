package io.chasm.collector;

import io.chasm.collector.internal.Sketches;
import io.chasm.collector.internal.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.datasketches.hll.Union;

/**
 * The public read model: totals, top artifacts, time series and breakdowns, with the privacy rule
 * applied. Day views read the agents' DAY rows; unique downloaders are the union of the stored
 * sketches over every mirror and period in the view. Any figure whose unique-downloader estimate
 * is below the threshold is withheld ({@link Totals#suppressed()}), never rounded or fuzzed.
 */
public final class StatsReader {
  static final int DAY = 2;
  static final int HOUR = 1;

  /** Figures for one cell of a view; all three null when suppressed. */
  public record Totals(Long downloads, Long bytes, Long unique, boolean suppressed) {}

  public record ProjectSummary(String project, Totals totals, long artifacts) {}

  public record ArtifactRow(String artifact, String type, Totals totals) {}

  public record Page<T>(List<T> items, long total, int offset, int limit) {}

  /** One bucket of a time series; {@code period} is its first day (or hour) in ISO-8601. */
  public record Point(String period, Totals totals) {}

  public record Slice(String key, Totals totals) {}

  /**
   * Active systems (DNF countme) of one week, age bucket and label, summed over mirrors; {@code
   * systems} is null when below the privacy threshold.
   */
  public record Countme(String week, int ageBucket, String label, Long systems) {}

  /** Days [from, to) in UTC. */
  public record Range(LocalDate from, LocalDate to) {
    public Range {
      if (!to.isAfter(from)) {
        throw new IllegalArgumentException("range end " + to + " must be after its start " + from);
      }
    }

    long fromUnix() {
      return from.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    long toUnix() {
      return to.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }
  }

  public enum Interval {
    HOUR,
    DAY,
    WEEK,
    MONTH
  }

  /** Dimensions a view can be broken down by. */
  public enum By {
    TYPE("type"),
    PROTOCOL("protocol"),
    MIRROR("m.name"),
    ARTIFACT("artifact");

    private final String column;

    By(String column) {
      this.column = column;
    }
  }

  private final Database db;
  private final int threshold;

  public StatsReader(Database db, int privacyThreshold) {
    this.db = db;
    this.threshold = privacyThreshold;
  }

  public int privacyThreshold() {
    return threshold;
  }

  /** First and last day (exclusive) with DAY data, if any. */
  public Optional<Range> dataRange() throws SQLException {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(
                  "SELECT MIN(period_start), MAX(period_start) FROM stats WHERE granularity = " + DAY);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            long min = rs.getLong(1);
            if (rs.wasNull()) {
              return Optional.empty();
            }
            long max = rs.getLong(2);
            return Optional.of(new Range(day(min), day(max).plusDays(1)));
          }
        });
  }

  /** The last seven days that have data, or the last seven days when there is none. */
  public Range latestWeek() throws SQLException {
    LocalDate end = dataRange().map(Range::to).orElse(LocalDate.now(ZoneOffset.UTC).plusDays(1));
    return new Range(end.minusDays(7), end);
  }

  /** Every range of data: all projects with their totals, most downloaded first. */
  public List<ProjectSummary> projects(Range range) throws SQLException {
    Map<String, Acc> acc = aggregate(range, null, null, "project", null);
    Map<String, Long> artifacts = db.read(
        c -> {
          Map<String, Long> out = new LinkedHashMap<>();
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT project, COUNT(DISTINCT artifact) FROM stats WHERE granularity = " + DAY
                  + " AND period_start >= ? AND period_start < ? GROUP BY project")) {
            ps.setLong(1, range.fromUnix());
            ps.setLong(2, range.toUnix());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
              }
            }
          }
          return out;
        });
    List<ProjectSummary> out = new ArrayList<>();
    acc.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().downloads, a.getValue().downloads))
        .forEach(e -> out.add(new ProjectSummary(e.getKey(), totals(e.getValue()), artifacts.getOrDefault(e.getKey(), 0L))));
    return out;
  }

  /** One project's (or, with {@code artifact}, one artifact's) totals over the range. */
  public Totals totals(String project, Optional<String> artifact, Range range) throws SQLException {
    Map<String, Acc> acc = aggregate(range, project, artifact.orElse(null), "project", null);
    return totals(acc.getOrDefault(project, new Acc()));
  }

  /**
   * A project's artifacts over the range, most downloaded first, optionally only those whose path
   * contains {@code search} (case-insensitive).
   */
  public Page<ArtifactRow> topArtifacts(String project, Range range, String search, int offset, int limit)
      throws SQLException {
    int lim = Math.max(1, Math.min(limit, 500));
    int off = Math.max(0, offset);
    String filter = " FROM stats WHERE granularity = " + DAY + " AND project = ? AND period_start >= ? AND period_start < ?"
        + (search == null || search.isBlank() ? "" : " AND LOWER(artifact) LIKE ? ESCAPE '!'");
    return db.read(
        c -> {
          long total;
          try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT artifact)" + filter)) {
            bindFilter(ps, project, range, search);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          Map<String, ArtifactRow> page = new LinkedHashMap<>();
          Map<String, Acc> accs = new LinkedHashMap<>();
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT artifact, MIN(type), SUM(downloads), SUM(bytes)" + filter
                  + " GROUP BY artifact ORDER BY SUM(downloads) DESC, artifact LIMIT ? OFFSET ?")) {
            int i = bindFilter(ps, project, range, search);
            ps.setInt(i++, lim);
            ps.setInt(i, off);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Acc a = new Acc();
                a.downloads = rs.getLong(3);
                a.bytes = rs.getLong(4);
                accs.put(rs.getString(1), a);
                page.put(rs.getString(1), new ArtifactRow(rs.getString(1), rs.getString(2), null));
              }
            }
          }
          if (!accs.isEmpty()) {
            StringBuilder in = new StringBuilder();
            for (int k = 0; k < accs.size(); k++) {
              in.append(k == 0 ? "?" : ", ?");
            }
            try (PreparedStatement ps = c.prepareStatement(
                "SELECT artifact, sketch FROM stats WHERE granularity = " + DAY
                    + " AND project = ? AND period_start >= ? AND period_start < ? AND artifact IN (" + in + ")")) {
              int i = bindFilter(ps, project, range, null);
              for (String a : accs.keySet()) {
                ps.setString(i++, a);
              }
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  Sketches.addTo(accs.get(rs.getString(1)).union, rs.getBytes(2));
                }
              }
            }
          }
          List<ArtifactRow> items = new ArrayList<>();
          for (var e : page.entrySet()) {
            items.add(new ArtifactRow(e.getKey(), e.getValue().type(), totals(accs.get(e.getKey()))));
          }
          return new Page<>(items, total, off, lim);
        });
  }

  /** Downloads, bytes and unique downloaders per bucket; empty buckets are included as zeros. */
  public List<Point> series(String project, Optional<String> artifact, Interval interval, Range range)
      throws SQLException {
    Function<Long, String> bucket = bucketer(interval);
    Map<String, Acc> acc = aggregate(range, project, artifact.orElse(null), null, bucket, interval == Interval.HOUR);
    return fill(acc, interval, range);
  }

  /** Volumes of one mirror, every project, per bucket. */
  public List<Point> mirrorSeries(String mirror, Interval interval, Range range) throws SQLException {
    Map<String, Acc> acc = new TreeMap<>();
    Function<Long, String> bucket = bucketer(interval);
    db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT s.period_start, s.downloads, s.bytes, s.sketch FROM stats s JOIN mirrors m ON m.id = s.mirror_id"
                  + " WHERE m.name = ? AND s.granularity = " + DAY + " AND s.period_start >= ? AND s.period_start < ?")) {
            ps.setString(1, mirror);
            ps.setLong(2, range.fromUnix());
            ps.setLong(3, range.toUnix());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                acc.computeIfAbsent(bucket.apply(rs.getLong(1)), k -> new Acc()).add(rs.getLong(2), rs.getLong(3), rs.getBytes(4));
              }
            }
          }
          return null;
        });
    return fill(acc, interval, range);
  }

  /** Totals per value of {@code by} (largest first) for a project, optionally one artifact. */
  public List<Slice> breakdown(String project, Optional<String> artifact, By by, Range range) throws SQLException {
    Map<String, Acc> acc = aggregate(range, project, artifact.orElse(null), by.column, null);
    List<Slice> out = new ArrayList<>();
    acc.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().downloads, a.getValue().downloads))
        .forEach(e -> out.add(new Slice(e.getKey(), totals(e.getValue()))));
    return out;
  }

  /** A project's countme rows of the weeks that overlap the range, oldest week first. */
  public List<Countme> countme(String project, Range range) throws SQLException {
    return db.read(
        c -> {
          List<Countme> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT week_start, age_bucket, label, SUM(systems) FROM countme WHERE project = ? AND week_start >= ?"
                  + " AND week_start < ? GROUP BY week_start, age_bucket, label ORDER BY week_start, age_bucket, label")) {
            ps.setString(1, project);
            ps.setLong(2, range.fromUnix() - 6 * 86400L);
            ps.setLong(3, range.toUnix());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long systems = rs.getLong(4);
                out.add(new Countme(day(rs.getLong(1)).toString(), rs.getInt(2), rs.getString(3),
                    systems < threshold ? null : systems));
              }
            }
          }
          return out;
        });
  }

  private Map<String, Acc> aggregate(Range range, String project, String artifact, String keyColumn,
      Function<Long, String> bucket) throws SQLException {
    return aggregate(range, project, artifact, keyColumn, bucket, false);
  }

  /** Streams matching rows once and folds them per key (a column, or a time bucket). */
  private Map<String, Acc> aggregate(Range range, String project, String artifact, String keyColumn,
      Function<Long, String> bucket, boolean hourly) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ")
        .append(keyColumn == null ? "s.period_start" : keyColumn.startsWith("m.") ? keyColumn : "s." + keyColumn)
        .append(", s.downloads, s.bytes, s.sketch FROM stats s JOIN mirrors m ON m.id = s.mirror_id WHERE s.granularity = ?"
            + " AND s.period_start >= ? AND s.period_start < ?");
    if (project != null) {
      sql.append(" AND s.project = ?");
    }
    if (artifact != null) {
      sql.append(" AND s.artifact = ?");
    }
    return db.read(
        c -> {
          Map<String, Acc> acc = new TreeMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setInt(i++, hourly ? HOUR : DAY);
            ps.setLong(i++, range.fromUnix());
            ps.setLong(i++, range.toUnix());
            if (project != null) {
              ps.setString(i++, project);
            }
            if (artifact != null) {
              ps.setString(i, artifact);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String key = bucket != null ? bucket.apply(rs.getLong(1)) : rs.getString(1);
                acc.computeIfAbsent(key, k -> new Acc()).add(rs.getLong(2), rs.getLong(3), rs.getBytes(4));
              }
            }
          }
          return acc;
        });
  }

  private static int bindFilter(PreparedStatement ps, String project, Range range, String search) throws SQLException {
    int i = 1;
    ps.setString(i++, project);
    ps.setLong(i++, range.fromUnix());
    ps.setLong(i++, range.toUnix());
    if (search != null && !search.isBlank()) {
      String esc = search.strip().toLowerCase(java.util.Locale.ROOT)
          .replace("!", "!!").replace("%", "!%").replace("_", "!_");
      ps.setString(i++, "%" + esc + "%");
    }
    return i;
  }

  private List<Point> fill(Map<String, Acc> acc, Interval interval, Range range) {
    List<Point> out = new ArrayList<>();
    if (interval == Interval.HOUR) {
      for (long t = range.fromUnix(); t < range.toUnix(); t += 3600) {
        String k = Instant.ofEpochSecond(t).toString();
        out.add(new Point(k, totals(acc.getOrDefault(k, new Acc()))));
      }
      return out;
    }
    Function<Long, String> bucket = bucketer(interval);
    String last = null;
    for (LocalDate d = range.from(); d.isBefore(range.to()); d = d.plusDays(1)) {
      String k = bucket.apply(d.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
      if (!k.equals(last)) {
        out.add(new Point(k, totals(acc.getOrDefault(k, new Acc()))));
        last = k;
      }
    }
    return out;
  }

  private static Function<Long, String> bucketer(Interval interval) {
    return switch (interval) {
      case HOUR -> t -> Instant.ofEpochSecond(t).toString();
      case DAY -> t -> day(t).toString();
      case WEEK -> t -> day(t).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
      case MONTH -> t -> day(t).withDayOfMonth(1).toString();
    };
  }

  private static LocalDate day(long unix) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(unix), ZoneOffset.UTC);
  }

  private Totals totals(Acc a) {
    long unique = Sketches.estimate(a.union);
    if (unique < threshold) {
      return new Totals(null, null, null, true);
    }
    return new Totals(a.downloads, a.bytes, unique, false);
  }

  /** Running sums and sketch union for one key. */
  private static final class Acc {
    long downloads;
    long bytes;
    final Union union = Sketches.newUnion();

    void add(long d, long b, byte[] sketch) {
      downloads += d;
      bytes += b;
      Sketches.addTo(union, sketch);
    }
  }

}
