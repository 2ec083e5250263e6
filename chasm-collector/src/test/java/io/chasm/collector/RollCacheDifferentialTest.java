package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.Granularity;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The roller's memory of the sketches it wrote (w8-C, {@code StoredUnions}) changes no byte: the
 * same batches, rolled in the same groups, leave every table exactly as a roller that keeps
 * nothing and probes every row (budget 0) leaves it, sketches byte for byte. Batches come back to
 * the same mirrors' days, weeks and months roll after roll (the rows the memory answers), with
 * sets of downloaders that cross LIST, SET and HLL sizes, and with tiny budgets that fill.
 */
class RollCacheDifferentialTest {
  private static final String[] TABLES = {
      "SELECT granularity, project, period_start, artifact, type, protocol, mirror_id, downloads, bytes, bot_requests,"
          + " sketch FROM stats ORDER BY 1, 2, 3, 4, 5, 6, 7",
      "SELECT granularity, project, period_start, artifact, type, protocol, mirror_id, sketch FROM window_sketches"
          + " ORDER BY 1, 2, 3, 4, 5, 6, 7",
      "SELECT kind, period_start, project, type, protocol, mirror_id, downloads, bytes, bot_requests, sketch, uniq"
          + " FROM roll_mirror ORDER BY 1, 2, 3, 4, 5, 6",
      "SELECT kind, period_start, project, artifact, type, protocol, downloads, bytes, bot_requests, uniq"
          + " FROM roll_artifact ORDER BY 1, 2, 3, 4, 5, 6",
      "SELECT kind, project, period_start, type, protocol, shard, downloads, bytes, bot_requests, uniq"
          + " FROM roll_project ORDER BY 1, 2, 3, 4, 5, 6"};

  @Property(tries = 15)
  void rememberingChangesNoByte(@ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @IntRange(min = 0, max = 2) int budgetChoice) throws Exception {
    Random rnd = new Random(seed);
    List<List<byte[]>> rolls = new ArrayList<>();
    List<TestMirror> mirrors = List.of(new TestMirror("m0"), new TestMirror("m1"), new TestMirror("m2"));
    int label = 0;
    for (int r = 0; r < 6 + rnd.nextInt(6); r++) {
      List<byte[]> roll = new ArrayList<>();
      for (int b = rnd.nextInt(4); b >= 0; b--) {
        TestMirror m = mirrors.get(rnd.nextInt(mirrors.size()));
        roll.add(m.signed(batch(rnd, m, label++)));
      }
      rolls.add(roll);
    }
    long budget = new long[] {1L << 30, 4_000, 40_000}[budgetChoice];
    List<List<String>> remembered = run(mirrors, rolls, budget);
    List<List<String>> probed = run(mirrors, rolls, 0);
    assertThat(remembered).isEqualTo(probed);
  }

  private static List<List<String>> run(List<TestMirror> mirrors, List<List<byte[]>> rolls, long budget)
      throws Exception {
    var f = Files.createTempFile("chasm-rollcache", ".db");
    Files.delete(f);
    f.toFile().deleteOnExit();
    String url = "jdbc:sqlite:" + f;
    String was = System.setProperty("chasm.collector.roll-cache-bytes", Long.toString(budget));
    String windows = System.setProperty("chasm.collector.window-cache-bytes", Long.toString(budget));
    // Only rollAll rolls (the same groups of batches in both runs), never the background timer.
    String interval = System.setProperty(CollectorStore.ROLL_INTERVAL_PROPERTY, "3600000");
    try (CollectorStore store = CollectorStore.open(url, 0, 4, 1)) {
      for (TestMirror m : mirrors) {
        store.enrol(m.name(), m.publicKey(), Optional.empty());
      }
      for (List<byte[]> roll : rolls) {
        for (byte[] body : roll) {
          store.ingest(body);
        }
        store.rollAll();
      }
    } finally {
      if (interval == null) {
        System.clearProperty(CollectorStore.ROLL_INTERVAL_PROPERTY);
      } else {
        System.setProperty(CollectorStore.ROLL_INTERVAL_PROPERTY, interval);
      }
      if (windows == null) {
        System.clearProperty("chasm.collector.window-cache-bytes");
      } else {
        System.setProperty("chasm.collector.window-cache-bytes", windows);
      }
      if (was == null) {
        System.clearProperty("chasm.collector.roll-cache-bytes");
      } else {
        System.setProperty("chasm.collector.roll-cache-bytes", was);
      }
    }
    List<List<String>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String q : TABLES) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(q)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              Object o = rs.getObject(i);
              sb.append(o instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(o)).append('|');
            }
            rows.add(sb.toString());
          }
        }
        out.add(rows);
      }
    }
    Files.deleteIfExists(f);
    return out;
  }

  /** A batch of one of a few days (so weeks and months come back), 1 to 600 downloaders per row. */
  private static StatsBatch batch(Random rnd, TestMirror m, int label) {
    StatsBatch.Builder b = m.batch("b" + label);
    long day = 20_400L + rnd.nextInt(12);
    long start = day * 86_400;
    long week = (day - Math.floorMod(day + 3, 7)) * 86_400; // Monday: 1970-01-01 was a Thursday
    long month = java.time.LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay() * 86_400;
    for (int a = 0; a < 3; a++) {
      if (rnd.nextInt(3) == 0) {
        continue;
      }
      String artifact = "/p/a" + a + ".deb";
      String protocol = rnd.nextBoolean() ? "http" : "rsync";
      int n = rnd.nextInt(4) == 0 ? rnd.nextInt(600) : 1 + rnd.nextInt(40);
      String[] people = new String[n];
      for (int i = 0; i < n; i++) {
        people[i] = m.name() + "-" + rnd.nextInt(2000);
      }
      b.addRows(TestMirror.row(Granularity.DAY, start, "debian", artifact, "deb", protocol, n + 1, 1000L * n, people));
      b.addRows(TestMirror.row(Granularity.WEEK, week, "debian", artifact, "deb", protocol, 0, 0, people));
      b.addRows(TestMirror.row(Granularity.MONTH, month, "debian", artifact, "deb", protocol, 0, 0, people));
    }
    return b.build();
  }
}
