package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.StatsReader.By;
import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.internal.RollupQueries;
import io.chasm.collector.internal.Windows;
import io.chasm.collector.internal.Windows.Piece;
import io.chasm.wire.proto.stats.StatsBatch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema 6: the pages' largest reads (a project's top artifacts over some windows, its breakdown
 * by mirror) are answered from the covering indexes alone, not from one heap page per row. The
 * plan of the very SQL the read model runs is an index-only scan of the index. PostgreSQL only:
 * SQLite gets no such index ({@code SqliteCoveringIndexTest}).
 */
class PostgresCoveringIndexTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  static final LocalDate FROM = LocalDate.of(2026, 10, 1);

  /**
   * The plan of {@code sql} with {@code args} bound, one line per row. A test database is a few
   * hundred rows, where a sequential scan is cheaper, so the planner is told to avoid one (and
   * bitmap scans), as it does by itself at scale; VACUUM sets the visibility map that an
   * index-only scan relies on (autovacuum does that in a running collector).
   */
  static List<String> plan(Connection c, String sql, List<Object> args) throws Exception {
    execute(c, "VACUUM ANALYZE roll_artifact");
    execute(c, "VACUUM ANALYZE roll_mirror");
    execute(c, "SET enable_seqscan = off");
    execute(c, "SET enable_bitmapscan = off");
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      return lines(ps, args, 1);
    }
  }

  @Test
  void topArtifactsAndByMirrorReadOnlyTheCoveringIndexes() throws Exception {
    String url = PG.newDatabase();
    try (CollectorStore store = CollectorStore.open(url, 0, 4)) {
      for (int m = 0; m < 3; m++) {
        TestMirror mirror = new TestMirror("m" + m);
        store.enrol(mirror.name(), mirror.publicKey(), Optional.empty());
        for (int d = 0; d < 61; d += 3) {
          StatsBatch.Builder b = mirror.batch("d" + d);
          for (int a = 0; a < 20; a++) {
            b.addRows(day(FROM.plusDays(d), "debian", "/debian/pool/a" + a + ".deb", "deb", 1 + a + d, 100L * a,
                people(mirror.name() + "-" + d + "-" + a, 2)));
          }
          store.ingest(mirror.signed(TestMirror.windowed(b)));
        }
      }
      Range months = new Range(FROM, FROM.plusMonths(2));
      Range week = new Range(FROM.plusDays(40), FROM.plusDays(47));
      // The read model's answers (which also fold every pending batch into the rollups first).
      assertThat(store.reader().topArtifacts("debian", months, null, 0, 500).total()).isEqualTo(20);
      assertThat(store.reader().breakdown("debian", Optional.empty(), By.MIRROR, months)).hasSize(3);
      try (Connection c = DriverManager.getConnection(url)) {
        for (Range r : List.of(months, week)) {
          List<Piece> pieces = Windows.tile(r.from(), r.to());
          List<Object> args = new ArrayList<>();
          args.add("debian");
          pieces.stream().sorted((x, y) -> Integer.compare(x.kind(), y.kind())).forEach(p -> args.add(p.start()));
          List<Object> top = new ArrayList<>(args);
          top.add(500);
          top.add(0);
          assertThat(plan(c, RollupQueries.topArtifactsSql(pieces, false), top))
              .anyMatch(line -> line.contains("Index Only Scan using roll_artifact_cover"));
          assertThat(plan(c, RollupQueries.byMirrorSql(pieces), args))
              .anyMatch(line -> line.contains("Index Only Scan using roll_mirror_cover"));
        }
      }
    }
  }

  static List<String> lines(PreparedStatement ps, List<Object> args, int column) throws Exception {
    int i = 1;
    for (Object a : args) {
      if (a instanceof String s) {
        ps.setString(i++, s);
      } else if (a instanceof Integer n) {
        ps.setInt(i++, n);
      } else {
        ps.setLong(i++, (Long) a);
      }
    }
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(column));
      }
    }
    return out;
  }

  static void execute(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
