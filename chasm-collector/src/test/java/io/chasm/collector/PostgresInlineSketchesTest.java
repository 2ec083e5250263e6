package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.StatsReader.Range;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema 8: a mirror's union of a few thousand downloaders (an HLL_4 image of about 2.1 KB) stays
 * in roll_mirror's heap row, not in its TOAST table (V8__inline_sketches.sql). PostgreSQL only.
 */
class PostgresInlineSketchesTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Test
  void bigUnions_stayInTheRow() throws Exception {
    String url = PG.newDatabase();
    LocalDate d = LocalDate.of(2026, 11, 2);
    try (CollectorStore store = CollectorStore.open(url, 0, 4, 1)) {
      TestMirror m = new TestMirror("m");
      store.enrol(m.name(), m.publicKey(), Optional.empty());
      store.ingest(m.signed(m.batch("big").addRows(
          day(d, "debian", "/debian/pool/a.deb", "deb", 5000, 10, people("c", 5000))).build()));
      assertThat(store.reader().totals("debian", Optional.empty(), new Range(d, d.plusDays(1))).unique())
          .isBetween(4800L, 5200L);
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      long longest;
      try (ResultSet rs = s.executeQuery("SELECT MAX(octet_length(sketch)) FROM roll_mirror")) {
        rs.next();
        longest = rs.getLong(1);
      }
      assertThat(longest).as("a union past the 2 KB TOAST threshold").isGreaterThan(2032);
      String toast;
      try (ResultSet rs = s.executeQuery("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'roll_mirror'")) {
        rs.next();
        toast = rs.getString(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + toast)) {
        rs.next();
        assertThat(rs.getLong(1)).as("rows in %s", toast).isZero();
      }
    }
  }
}
