package io.chasm.collector.internal;

import io.chasm.collector.internal.Windows.Piece;
import io.chasm.collector.internal.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The read side of the rollups: every query names the windows it adds up ({@link Windows#tile}),
 * so it reads a few dozen rows per key however many days of data there are. Figures are sums;
 * {@code uniq} is a sum of per-window, per-mirror unique-downloader figures.
 */
public final class RollupQueries {
  /** Sums for one key. */
  public static final class Cell {
    public long downloads;
    public long bytes;
    public long uniq;
    /** A value of another column the query carried along (an artifact's type). */
    public String note;

    void add(long d, long b, long u) {
      downloads += d;
      bytes += b;
      uniq += u;
    }
  }

  /** One page of artifacts, most downloaded first, and how many match in all. */
  public record ArtifactPage(LinkedHashMap<String, Cell> rows, long total) {}

  private final Database db;

  public RollupQueries(Database db) {
    this.db = db;
  }

  /** First and last day with data (Unix seconds), if any. */
  public Optional<long[]> dayRange() throws SQLException {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT MIN(period_start), MAX(period_start) FROM roll_mirror WHERE kind = " + Windows.DAY);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        long min = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(new long[] {min, rs.getLong(2)});
      }
    });
  }

  /** Totals per project over the windows. */
  public Map<String, Cell> perProject(List<Piece> pieces) throws SQLException {
    return fold("SELECT project, SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_project WHERE type = '' AND protocol = ''"
        + " AND " + filter(pieces) + " GROUP BY project", List.of(), pieces);
  }

  /** Artifacts per project with a DAY row in [from, to) when that holds every day with data. */
  public Map<String, Long> artifactCountsOfAll() throws SQLException {
    return db.read(c -> {
      Map<String, Long> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT project, COUNT(*) FROM artifacts GROUP BY project");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      return out;
    });
  }

  /** Distinct artifacts per project over the windows. */
  public Map<String, Long> artifactCounts(List<Piece> pieces) throws SQLException {
    List<Object> args = new ArrayList<>();
    String where = filter(pieces);
    return db.read(c -> {
      Map<String, Long> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT project, COUNT(DISTINCT artifact) FROM roll_artifact WHERE " + where + " GROUP BY project")) {
        bind(ps, 1, args, pieces);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      return out;
    });
  }

  /** A project's (or one artifact's) sums per window. */
  public Map<Piece, Cell> perPiece(String project, String artifact, List<Piece> pieces) throws SQLException {
    String sql = artifact == null
        ? "SELECT kind, period_start, SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_project WHERE project = ?"
            + " AND type = '' AND protocol = '' AND " + filter(pieces) + " GROUP BY kind, period_start"
        : "SELECT kind, period_start, SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_artifact WHERE project = ?"
            + " AND artifact = ? AND " + filter(pieces) + " GROUP BY kind, period_start";
    return foldPieces(sql, artifact == null ? List.of(project) : List.of(project, artifact), pieces);
  }

  /** A project's sums of one type or one protocol ({@code column} "type" or "protocol"), per window. */
  public Map<Piece, Cell> slicePerPiece(String project, String column, String value, List<Piece> pieces)
      throws SQLException {
    String where = switch (column) {
      case "type" -> "type = ? AND protocol = ''";
      case "protocol" -> "type = '' AND protocol = ?";
      default -> throw new IllegalArgumentException("no slice by " + column);
    };
    return foldPieces("SELECT kind, period_start, SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_project WHERE project = ?"
        + " AND " + where + " AND " + filter(pieces) + " GROUP BY kind, period_start", List.of(project, value), pieces);
  }

  /** One mirror's sums over all its projects, per window. */
  public Map<Piece, Cell> mirrorPerPiece(String mirror, List<Piece> pieces) throws SQLException {
    return foldPieces("SELECT r.kind, r.period_start, SUM(r.downloads), SUM(r.bytes), SUM(r.uniq) FROM roll_mirror r"
        + " JOIN mirrors m ON m.id = r.mirror_id WHERE m.name = ? AND r.type = '' AND r.protocol = '' AND "
        + filter(pieces).replace("kind", "r.kind").replace("period_start", "r.period_start")
        + " GROUP BY r.kind, r.period_start", List.of(mirror), pieces);
  }

  /**
   * A project's sums per type, protocol or mirror ({@code column} "type", "protocol", "mirror"),
   * or per artifact ("artifact"), over the windows.
   */
  public Map<String, Cell> breakdown(String project, String column, List<Piece> pieces) throws SQLException {
    String sql = switch (column) {
      case "type" -> "SELECT type, SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_project WHERE project = ?"
          + " AND type <> '' AND protocol = '' AND " + filter(pieces) + " GROUP BY type";
      case "protocol" -> "SELECT protocol, SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_project WHERE project = ?"
          + " AND type = '' AND protocol <> '' AND " + filter(pieces) + " GROUP BY protocol";
      case "mirror" -> byMirrorSql(pieces);
      case "artifact" -> "SELECT artifact, SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_artifact WHERE project = ?"
          + " AND " + filter(pieces) + " GROUP BY artifact";
      default -> throw new IllegalArgumentException("no breakdown by " + column);
    };
    return fold(sql, List.of(project), pieces);
  }

  /**
   * A project's sums per mirror over the windows: parameters the project, then the windows'
   * starts. Read from the index roll_mirror_cover alone (schema 6).
   */
  public static String byMirrorSql(List<Piece> pieces) {
    return "SELECT m.name, SUM(r.downloads), SUM(r.bytes), SUM(r.uniq) FROM roll_mirror r JOIN mirrors m"
        + " ON m.id = r.mirror_id WHERE r.project = ? AND r.type = '' AND r.protocol = '' AND "
        + filter(pieces).replace("kind", "r.kind").replace("period_start", "r.period_start") + " GROUP BY m.name";
  }

  /**
   * A project's artifacts over the windows, most downloaded first, with how many in all:
   * parameters the project, the windows' starts, (when {@code filtered}) the LIKE pattern, limit and
   * offset. Read from the index roll_artifact_cover alone (schema 6).
   */
  public static String topArtifactsSql(List<Piece> pieces, boolean filtered) {
    return "SELECT artifact, MIN(type), SUM(downloads), SUM(bytes), SUM(uniq), COUNT(*) OVER ()"
        + artifactsWhere(pieces, filtered) + " GROUP BY artifact ORDER BY SUM(downloads) DESC, artifact LIMIT ? OFFSET ?";
  }

  private static String artifactsWhere(List<Piece> pieces, boolean filtered) {
    return " FROM roll_artifact WHERE project = ? AND " + filter(pieces)
        + (filtered ? " AND LOWER(artifact) LIKE ? ESCAPE '!'" : "");
  }

  /** One artifact's sums per type or protocol over the windows. */
  public Map<String, Cell> artifactBreakdown(String project, String artifact, String column, List<Piece> pieces)
      throws SQLException {
    if (!column.equals("type") && !column.equals("protocol")) {
      throw new IllegalArgumentException("no artifact breakdown by " + column);
    }
    return fold("SELECT " + column + ", SUM(downloads), SUM(bytes), SUM(uniq) FROM roll_artifact WHERE project = ?"
        + " AND artifact = ? AND " + filter(pieces) + " GROUP BY " + column, List.of(project, artifact), pieces);
  }

  /**
   * One artifact's sums per mirror, from the raw rows (no rollup keeps artifact and mirror
   * together; one artifact's rows are few): counters from the DAY rows of the days covered,
   * uniques from each mirror's row of each window.
   */
  public Map<String, Cell> artifactPerMirror(String project, String artifact, List<Piece> pieces, long from, long to)
      throws SQLException {
    String where = filter(pieces).replace("kind", "s.granularity").replace("period_start", "s.period_start");
    return db.read(c -> {
      Map<String, Cell> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT m.name, SUM(s.downloads), SUM(s.bytes) FROM stats s JOIN"
          + " mirrors m ON m.id = s.mirror_id WHERE s.project = ? AND s.artifact = ? AND s.granularity = "
          + Windows.DAY + " AND s.period_start >= ? AND s.period_start < ? GROUP BY m.name")) {
        bind(ps, 1, List.of(project, artifact, from, to), List.of());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getString(1), k -> new Cell()).add(rs.getLong(2), rs.getLong(3), 0);
          }
        }
      }
      // DAY sketches are in stats, WEEK and MONTH ones in window_sketches (V7__window_sketches.sql).
      for (String table : List.of("stats", "window_sketches")) {
        try (PreparedStatement ps = c.prepareStatement("SELECT m.name, s.sketch FROM " + table + " s JOIN mirrors m"
            + " ON m.id = s.mirror_id WHERE s.project = ? AND s.artifact = ? AND " + where)) {
          bind(ps, 1, List.of(project, artifact), pieces);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.computeIfAbsent(rs.getString(1), k -> new Cell()).add(0, 0, Sketches.estimate(rs.getBytes(2)));
            }
          }
        }
      }
      return out;
    });
  }

  /** A project's artifacts, most downloaded first, optionally only paths containing {@code search}. */
  public ArtifactPage artifacts(String project, List<Piece> pieces, String search, int offset, int limit)
      throws SQLException {
    boolean filtered = search != null && !search.isBlank();
    String where = artifactsWhere(pieces, filtered);
    List<Object> args = new ArrayList<>(List.of(project));
    List<Object> tail = new ArrayList<>();
    if (filtered) {
      tail.add("%" + search.strip().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_")
          + "%");
    }
    return db.read(c -> {
      long total = 0;
      LinkedHashMap<String, Cell> rows = new LinkedHashMap<>();
      // One pass: the number of matching artifacts comes with the page (a window over the groups).
      try (PreparedStatement ps = c.prepareStatement(topArtifactsSql(pieces, filtered))) {
        List<Object> rest = new ArrayList<>(tail);
        rest.add(limit);
        rest.add(offset);
        bind(ps, bind(ps, 1, args, pieces), rest, List.of());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Cell cell = new Cell();
            cell.note = rs.getString(2);
            cell.add(rs.getLong(3), rs.getLong(4), rs.getLong(5));
            rows.put(rs.getString(1), cell);
            total = rs.getLong(6);
          }
        }
      }
      if (rows.isEmpty() && offset > 0) {
        // Past the end: the window saw no row, so count on its own.
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT artifact)" + where)) {
          bind(ps, bind(ps, 1, args, pieces), tail, List.of());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            total = rs.getLong(1);
          }
        }
      }
      return new ArtifactPage(rows, total);
    });
  }

  /**
   * Hourly sums from the raw HOUR rows (views of at most two days): counters summed, uniques the
   * union of each mirror's sketches of the hour, summed over mirrors.
   */
  public Map<Long, Cell> hourly(String project, String artifact, long from, long to) throws SQLException {
    return db.read(c -> {
      Map<Long, Cell> out = new TreeMap<>();
      Map<Long, Map<Long, List<byte[]>>> sketches = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT period_start, mirror_id, downloads, bytes, sketch FROM stats"
          + " WHERE granularity = " + Windows.HOUR + " AND project = ? AND period_start >= ? AND period_start < ?"
          + (artifact == null ? "" : " AND artifact = ?"))) {
        List<Object> args = new ArrayList<>(List.of(project, from, to));
        if (artifact != null) {
          args.add(artifact);
        }
        bind(ps, 1, args, List.of());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getLong(1), k -> new Cell()).add(rs.getLong(3), rs.getLong(4), 0);
            sketches.computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                .computeIfAbsent(rs.getLong(2), k -> new ArrayList<>()).add(rs.getBytes(5));
          }
        }
      }
      sketches.forEach((hour, perMirror) -> perMirror.values()
          .forEach(list -> out.get(hour).uniq += Sketches.estimate(Sketches.union(list))));
      return out;
    });
  }

  private Map<String, Cell> fold(String sql, List<Object> args, List<Piece> pieces) throws SQLException {
    return db.read(c -> {
      Map<String, Cell> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, 1, args, pieces);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getString(1), k -> new Cell()).add(rs.getLong(2), rs.getLong(3), rs.getLong(4));
          }
        }
      }
      return out;
    });
  }

  private Map<Piece, Cell> foldPieces(String sql, List<Object> args, List<Piece> pieces) throws SQLException {
    return db.read(c -> {
      Map<Piece, Cell> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, 1, args, pieces);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(new Piece(rs.getInt(1), rs.getLong(2)), k -> new Cell())
                .add(rs.getLong(3), rs.getLong(4), rs.getLong(5));
          }
        }
      }
      return out;
    });
  }

  /** {@code (kind = ? AND period_start IN (?, ...)) OR ...}, one term per window kind present. */
  static String filter(List<Piece> pieces) {
    Map<Integer, Integer> perKind = new TreeMap<>();
    for (Piece p : pieces) {
      perKind.merge(p.kind(), 1, Integer::sum);
    }
    if (perKind.isEmpty()) {
      return "1 = 0";
    }
    StringBuilder b = new StringBuilder("(");
    perKind.forEach((kind, n) -> {
      if (b.length() > 1) {
        b.append(" OR ");
      }
      b.append("(kind = ").append(kind).append(" AND period_start IN (").append("?, ".repeat(n - 1)).append("?))");
    });
    return b.append(')').toString();
  }

  /** Binds {@code args}, then the pieces' starts in {@link #filter}'s order; returns the next index. */
  private static int bind(PreparedStatement ps, int i, List<Object> args, List<Piece> pieces) throws SQLException {
    for (Object a : args) {
      if (a instanceof String s) {
        ps.setString(i++, s);
      } else if (a instanceof Integer n) {
        ps.setInt(i++, n);
      } else {
        ps.setLong(i++, (Long) a);
      }
    }
    for (int kind = Windows.HOUR; kind <= Windows.MONTH; kind++) {
      for (Piece p : pieces) {
        if (p.kind() == kind) {
          ps.setLong(i++, p.start());
        }
      }
    }
    return i;
  }
}
