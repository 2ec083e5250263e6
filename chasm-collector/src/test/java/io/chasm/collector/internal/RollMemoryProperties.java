package io.chasm.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.internal.RollMemory.Table;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * RollMemory's one promise: "known absent" only for a key that is not stored, whatever mix of this
 * shard's rolls (committed or rolled back), other processes' rolls, late windows and full filters
 * comes. The database is SQLite with the two tables the memory reads (roll_state and roll_mirror's
 * watermark columns); the stored keys are a set here, each also noted in roll_mirror, as the
 * roller's writes are. Filters are tiny (64 bits) so they fill and answer "maybe" often.
 */
class RollMemoryProperties {
  private static final int OWN_ROW = 1;

  private record Key(Table table, long mirror, int kind, long start, String artifact) {
    long hash() {
      return RollMemory.hash(kind, start, "p", artifact);
    }
  }

  @Property(tries = 300)
  void knownAbsent_onlyForKeysNotStored(
      @ForAll @Size(max = 120) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> ops) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE roll_state (id INTEGER PRIMARY KEY, rolls BIGINT NOT NULL)");
        s.execute("CREATE TABLE roll_mirror (mirror_id BIGINT, kind INT, period_start BIGINT)");
        s.execute("INSERT INTO roll_state VALUES (0, 0), (1, 0), (2, 0)");
      }
      AtomicLongArray own = new AtomicLongArray(3);
      RollMemory memory = new RollMemory(own, OWN_ROW, 64, 64);
      Set<Key> stored = new HashSet<>();
      int knownAbsent = 0;
      for (int op : ops) {
        Key k = key(op);
        switch ((op >>> 12) % 5) {
          case 0, 1 -> { // this shard rolls, commits
            roll(c, OWN_ROW, +1);
            memory.check(c);
            knownAbsent += lookUp(c, memory, k, stored);
            store(c, k, stored);
            memory.wrote(k.table, k.mirror, k.kind, k.start, k.hash());
            own.incrementAndGet(OWN_ROW);
          }
          case 2 -> { // this shard rolls, then rolls back (the memory notes a key that is not stored)
            roll(c, OWN_ROW, +1);
            memory.check(c);
            knownAbsent += lookUp(c, memory, k, stored);
            memory.wrote(k.table, k.mirror, k.kind, k.start, k.hash());
            roll(c, OWN_ROW, -1);
          }
          case 3 -> { // another process (same row, or another number of shards: row 2) stores the key
            roll(c, 1 + (op >>> 20) % 2, +1);
            store(c, k, stored);
          }
          default -> { // a roll that only looks
            roll(c, OWN_ROW, +1);
            memory.check(c);
            knownAbsent += lookUp(c, memory, k, stored);
            own.incrementAndGet(OWN_ROW);
          }
        }
      }
      assertThat(knownAbsent).isGreaterThanOrEqualTo(0);
    }
  }

  /** A new day's keys are known absent: the case the memory exists for. */
  @Property(tries = 20)
  void newWindowsAreKnownAbsent(@ForAll @IntRange(min = 1, max = 50) int keys) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE roll_state (id INTEGER PRIMARY KEY, rolls BIGINT NOT NULL)");
        s.execute("CREATE TABLE roll_mirror (mirror_id BIGINT, kind INT, period_start BIGINT)");
        s.execute("INSERT INTO roll_state VALUES (1, 0), (2, 0)");
        s.execute("INSERT INTO roll_mirror VALUES (7, 2, 86400)");
      }
      AtomicLongArray own = new AtomicLongArray(3);
      RollMemory memory = new RollMemory(own, OWN_ROW);
      roll(c, OWN_ROW, +1);
      memory.check(c);
      for (int i = 0; i < keys; i++) {
        long h = RollMemory.hash(Windows.DAY, 2 * 86400, "p", "a" + i);
        assertThat(memory.knownAbsent(c, Table.STATS, 7, Windows.DAY, 86400, h)).isFalse();
        assertThat(memory.knownAbsent(c, Table.STATS, 7, Windows.DAY, 2 * 86400, h)).isTrue();
        memory.wrote(Table.STATS, 7, Windows.DAY, 2 * 86400, h);
        assertThat(memory.knownAbsent(c, Table.STATS, 7, Windows.DAY, 2 * 86400, h)).isFalse();
        assertThat(memory.knownAbsent(c, Table.STATS, 7, Windows.HOUR, 3 * 86400, h)).isFalse();
      }
      own.incrementAndGet(OWN_ROW);
      // Another process's roll: everything is forgotten, the watermark read again.
      roll(c, 2, +1);
      roll(c, OWN_ROW, +1);
      memory.check(c);
      assertThat(memory.resets()).isEqualTo(2);
    }
  }

  private static Key key(int op) {
    Table table = Table.values()[op % 3];
    int kind = Windows.HOUR + (op >>> 2) % 4;
    long start = ((op >>> 4) % 6) * 1000L; // six windows per kind: more than KEPT, so filters are dropped
    long mirror = (op >>> 7) % 2;
    return new Key(table, mirror, kind, start, "a" + (op >>> 8) % 16);
  }

  private static int lookUp(Connection c, RollMemory memory, Key k, Set<Key> stored) throws SQLException {
    boolean absent = memory.knownAbsent(c, k.table, k.mirror, k.kind, k.start, k.hash());
    if (absent) {
      assertThat(stored).as("said absent but stored").doesNotContain(k);
    }
    return absent ? 1 : 0;
  }

  private static void store(Connection c, Key k, Set<Key> stored) throws SQLException {
    stored.add(k);
    if (k.kind >= Windows.DAY) {
      // The roller writes a roll_mirror row of the same window with every DAY, WEEK and MONTH row.
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO roll_mirror VALUES (?, ?, ?)")) {
        ps.setLong(1, k.mirror);
        ps.setInt(2, k.kind);
        ps.setLong(3, k.start);
        ps.executeUpdate();
      }
    }
  }

  private static void roll(Connection c, int row, int by) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE roll_state SET rolls = rolls + ? WHERE id = ?")) {
      ps.setInt(1, by);
      ps.setInt(2, row);
      ps.executeUpdate();
    }
  }
}
