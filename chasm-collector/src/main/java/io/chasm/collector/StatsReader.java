package io.chasm.collector;

import io.chasm.collector.internal.RollupQueries;
import io.chasm.collector.internal.RollupQueries.Cell;
import io.chasm.collector.internal.Windows;
import io.chasm.collector.internal.Windows.Piece;
import io.chasm.collector.internal.Roller;
import io.chasm.collector.internal.db.Database;
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

/**
 * The public read model: totals, top artifacts, time series and breakdowns, with the privacy rule
 * applied, read from the rollups written at ingest. A range of days is answered from the whole
 * windows (months, ISO weeks, days) that tile it, so a view costs the same after years of data.
 *
 * <p>Unique downloaders: each mirror hashes clients with its own secrets, one per window, so a
 * figure is only meaningful per mirror and window. Every figure here is the sum, over mirrors and
 * over the windows that tile the cell, of those per-window figures, and says which windows it
 * sums ({@link UniqueWindow}). Any cell whose figure is below the threshold is withheld ({@link
 * Totals#suppressed()}), never rounded or fuzzed.
 */
public final class StatsReader {
  /**
   * Which windows a unique-downloader figure sums: {@code window} is "hour", "day", "week" or
   * "month" when they are all of one kind, else "mixed"; {@code start} names the first (2026-11-02,
   * 2026-W45, 2026-11, or a date for mixed); {@code windows} how many. Across mirrors the figures
   * are always summed.
   */
  public record UniqueWindow(String window, String start, int windows) {
    static UniqueWindow of(List<Piece> pieces) {
      if (pieces.isEmpty()) {
        return new UniqueWindow("day", "", 0);
      }
      int kind = pieces.get(0).kind();
      boolean one = pieces.stream().allMatch(p -> p.kind() == kind);
      return one ? new UniqueWindow(Windows.name(kind), pieces.get(0).label(), pieces.size())
          : new UniqueWindow("mixed", pieces.get(0).firstDay().toString(), pieces.size());
    }
  }

  /** Figures for one cell of a view; the three figures null when suppressed. */
  public record Totals(Long downloads, Long bytes, Long unique, boolean suppressed, UniqueWindow window) {}

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

    List<Piece> pieces() {
      return Windows.tile(from, to);
    }
  }

  public enum Interval {
    HOUR,
    DAY,
    WEEK,
    MONTH;

    /** The bars the pages draw for a range: hourly for a day, daily up to three months, then weekly, then monthly. */
    public static Interval forRange(Range range) {
      long days = java.time.temporal.ChronoUnit.DAYS.between(range.from(), range.to());
      if (days <= 2) {
        return HOUR;
      }
      return days <= 92 ? DAY : days <= 731 ? WEEK : MONTH;
    }
  }

  /** Dimensions a view can be broken down by. */
  public enum By {
    TYPE,
    PROTOCOL,
    MIRROR,
    ARTIFACT
  }

  private final Database db;
  private final RollupQueries q;
  private final int threshold;
  private final Roller roller;
  private final long readWaitMax;

  public StatsReader(Database db, int privacyThreshold) {
    this(db, privacyThreshold, null, 0);
  }

  /**
   * Reads that first fold what {@code roller} has pending, so they see every acknowledged batch,
   * while at most {@code readWaitMax} are pending (past it they read the rollups as they are).
   */
  StatsReader(Database db, int privacyThreshold, Roller roller, long readWaitMax) {
    this.db = db;
    this.q = new RollupQueries(db);
    this.threshold = privacyThreshold;
    this.roller = roller;
    this.readWaitMax = readWaitMax;
  }

  private void catchUp() throws SQLException {
    if (roller != null) {
      roller.catchUp(readWaitMax);
    }
  }

  public int privacyThreshold() {
    return threshold;
  }

  /** First and last day (exclusive) with DAY data, if any. */
  public Optional<Range> dataRange() throws SQLException {
    catchUp();
    return q.dayRange().map(r -> new Range(Windows.day(r[0]), Windows.day(r[1]).plusDays(1)));
  }

  /** The last seven days that have data, or the last seven days when there is none. */
  public Range latestWeek() throws SQLException {
    catchUp();
    LocalDate end = dataRange().map(Range::to).orElse(LocalDate.now(ZoneOffset.UTC).plusDays(1));
    return new Range(end.minusDays(7), end);
  }

  /** Every project with its totals over the range, most downloaded first. */
  public List<ProjectSummary> projects(Range range) throws SQLException {
    catchUp();
    List<Piece> pieces = range.pieces();
    Map<String, Cell> cells = q.perProject(pieces);
    Optional<Range> all = dataRange();
    boolean everything = all.isEmpty()
        || !range.from().isAfter(all.get().from()) && !range.to().isBefore(all.get().to());
    Map<String, Long> artifacts = everything ? q.artifactCountsOfAll() : q.artifactCounts(pieces);
    List<ProjectSummary> out = new ArrayList<>();
    sorted(cells).forEach(e -> out.add(
        new ProjectSummary(e.getKey(), totals(e.getValue(), pieces), artifacts.getOrDefault(e.getKey(), 0L))));
    return out;
  }

  /** One project's (or, with {@code artifact}, one artifact's) totals over the range. */
  public Totals totals(String project, Optional<String> artifact, Range range) throws SQLException {
    catchUp();
    List<Piece> pieces = range.pieces();
    Cell sum = new Cell();
    for (Cell c : q.perPiece(project, artifact.orElse(null), pieces).values()) {
      add(sum, c);
    }
    return totals(sum, pieces);
  }

  /**
   * A project's artifacts over the range, most downloaded first, optionally only those whose path
   * contains {@code search} (case-insensitive).
   */
  public Page<ArtifactRow> topArtifacts(String project, Range range, String search, int offset, int limit)
      throws SQLException {
    catchUp();
    int lim = Math.max(1, Math.min(limit, 500));
    int off = Math.max(0, offset);
    List<Piece> pieces = range.pieces();
    RollupQueries.ArtifactPage page = q.artifacts(project, pieces, search, off, lim);
    List<ArtifactRow> items = new ArrayList<>();
    page.rows().forEach((a, c) -> items.add(new ArtifactRow(a, c.note, totals(c, pieces))));
    return new Page<>(items, page.total(), off, lim);
  }

  /** Downloads, bytes and unique downloaders per bucket; empty buckets are included as zeros. */
  public List<Point> series(String project, Optional<String> artifact, Interval interval, Range range)
      throws SQLException {
    catchUp();
    if (interval == Interval.HOUR) {
      Map<Long, Cell> hours = q.hourly(project, artifact.orElse(null), range.fromUnix(), range.toUnix());
      List<Point> out = new ArrayList<>();
      for (long t = range.fromUnix(); t < range.toUnix(); t += 3600) {
        Piece hour = new Piece(Windows.HOUR, t);
        out.add(new Point(Instant.ofEpochSecond(t).toString(), totals(hours.getOrDefault(t, new Cell()), List.of(hour))));
      }
      return out;
    }
    Map<String, List<Piece>> buckets = buckets(interval, range);
    return points(buckets, q.perPiece(project, artifact.orElse(null), all(buckets)));
  }

  /** Volumes of one mirror, every project, per bucket (days at the finest: no hourly rollup). */
  public List<Point> mirrorSeries(String mirror, Interval interval, Range range) throws SQLException {
    catchUp();
    Map<String, List<Piece>> buckets = buckets(interval == Interval.HOUR ? Interval.DAY : interval, range);
    return points(buckets, q.mirrorPerPiece(mirror, all(buckets)));
  }

  /**
   * A project's volumes of one type or one protocol ({@code by} TYPE or PROTOCOL) per bucket, days
   * at the finest (no hourly rollup keeps the type or protocol).
   */
  public List<Point> sliceSeries(String project, By by, String value, Interval interval, Range range)
      throws SQLException {
    catchUp();
    if (by != By.TYPE && by != By.PROTOCOL) {
      throw new IllegalArgumentException("a series is kept per type or protocol, not per " + by);
    }
    Map<String, List<Piece>> buckets = buckets(interval == Interval.HOUR ? Interval.DAY : interval, range);
    return points(buckets, q.slicePerPiece(project, by.name().toLowerCase(java.util.Locale.ROOT), value, all(buckets)));
  }

  /** Totals per value of {@code by} (largest first) for a project, optionally one artifact. */
  public List<Slice> breakdown(String project, Optional<String> artifact, By by, Range range) throws SQLException {
    catchUp();
    List<Piece> pieces = range.pieces();
    String column = by.name().toLowerCase(java.util.Locale.ROOT);
    Map<String, Cell> cells;
    if (artifact.isEmpty()) {
      cells = q.breakdown(project, column, pieces);
    } else if (by == By.MIRROR) {
      cells = q.artifactPerMirror(project, artifact.get(), pieces, range.fromUnix(), range.toUnix());
    } else if (by == By.ARTIFACT) {
      cells = new LinkedHashMap<>();
      Cell sum = new Cell();
      q.perPiece(project, artifact.get(), pieces).values().forEach(c -> add(sum, c));
      if (sum.downloads != 0 || sum.bytes != 0 || sum.uniq != 0) {
        cells.put(artifact.get(), sum);
      }
    } else {
      cells = q.artifactBreakdown(project, artifact.get(), column, pieces);
    }
    List<Slice> out = new ArrayList<>();
    sorted(cells).forEach(e -> out.add(new Slice(e.getKey(), totals(e.getValue(), pieces))));
    return out;
  }

  /** A project's countme rows of the weeks that overlap the range, oldest week first. */
  public List<Countme> countme(String project, Range range) throws SQLException {
    catchUp();
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
                out.add(new Countme(Windows.day(rs.getLong(1)).toString(), rs.getInt(2), rs.getString(3),
                    systems < threshold ? null : systems));
              }
            }
          }
          return out;
        });
  }

  /** Bucket label (its first day) -> the windows tiling the part of the bucket inside the range. */
  private static Map<String, List<Piece>> buckets(Interval interval, Range range) {
    Map<String, List<Piece>> out = new LinkedHashMap<>();
    LocalDate d = range.from();
    while (d.isBefore(range.to())) {
      LocalDate start = switch (interval) {
        case DAY, HOUR -> d;
        case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        case MONTH -> d.withDayOfMonth(1);
      };
      LocalDate next = switch (interval) {
        case DAY, HOUR -> d.plusDays(1);
        case WEEK -> start.plusDays(7);
        case MONTH -> start.plusMonths(1);
      };
      LocalDate end = next.isAfter(range.to()) ? range.to() : next;
      out.put(start.toString(), Windows.tile(d, end));
      d = end;
    }
    return out;
  }

  private static List<Piece> all(Map<String, List<Piece>> buckets) {
    List<Piece> all = new ArrayList<>();
    buckets.values().forEach(all::addAll);
    return all;
  }

  private List<Point> points(Map<String, List<Piece>> buckets, Map<Piece, Cell> cells) {
    List<Point> out = new ArrayList<>();
    buckets.forEach((label, pieces) -> {
      Cell sum = new Cell();
      pieces.forEach(p -> add(sum, cells.getOrDefault(p, new Cell())));
      out.add(new Point(label, totals(sum, pieces)));
    });
    return out;
  }

  private static java.util.stream.Stream<Map.Entry<String, Cell>> sorted(Map<String, Cell> cells) {
    return cells.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().downloads, a.getValue().downloads));
  }

  private static void add(Cell sum, Cell c) {
    sum.downloads += c.downloads;
    sum.bytes += c.bytes;
    sum.uniq += c.uniq;
  }

  private Totals totals(Cell c, List<Piece> pieces) {
    UniqueWindow w = UniqueWindow.of(pieces);
    if (c.uniq < threshold) {
      return new Totals(null, null, null, true, w);
    }
    return new Totals(c.downloads, c.bytes, c.uniq, false, w);
  }
}
