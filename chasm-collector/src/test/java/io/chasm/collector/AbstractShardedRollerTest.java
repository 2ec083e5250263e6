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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Several rollers, each folding the batches of the mirrors with {@code mirror_id % k} equal to its
 * number: while mirrors submit at once, every read sees the batches acknowledged before it
 * (read-your-writes), every batch is folded exactly once (the shards' roll_state rows add up to
 * the batches, nothing stays pending) and the totals are exact.
 */
abstract class AbstractShardedRollerTest {
  static final LocalDate D1 = LocalDate.of(2026, 11, 2);
  static final Range ALL = new Range(LocalDate.of(2026, 1, 1), LocalDate.of(2027, 1, 1));
  static final int ROLLERS = 3;
  static final int MIRRORS = 7;
  static final int BATCHES = 8;

  abstract String freshDatabaseUrl() throws Exception;

  @Test
  void shardsFoldEachBatchOnceAndReadsSeeTheirWrites() throws Exception {
    String url = freshDatabaseUrl();
    try (CollectorStore store = CollectorStore.open(url, 0, 8, ROLLERS)) {
      List<TestMirror> mirrors = new ArrayList<>();
      for (int m = 0; m < MIRRORS; m++) {
        TestMirror mirror = new TestMirror("m" + m);
        store.enrol(mirror.name(), mirror.publicKey(), Optional.empty());
        mirrors.add(mirror);
      }
      ExecutorService pool = Executors.newFixedThreadPool(MIRRORS);
      try {
        List<Future<Long>> sent = new ArrayList<>();
        for (TestMirror mirror : mirrors) {
          sent.add(pool.submit(() -> {
            long mine = 0;
            String own = "/debian/pool/" + mirror.name() + ".deb";
            for (int b = 0; b < BATCHES; b++) {
              long n = 1 + b;
              byte[] body = mirror.signed(TestMirror.windowed(mirror.batch("b" + b).addRows(
                  day(D1.plusDays(b % 3), "debian", own, "deb", n, n * 10, people(mirror.name() + b, 2)))
                  .addRows(day(D1.plusDays(b % 3), "debian", "/debian/pool/shared.deb", "deb", 1, 10,
                      people(mirror.name() + "s" + b, 1)))));
              assertThat(store.ingest(body).duplicate()).isFalse();
              mine += n;
              // Read-your-writes: this mirror's artifact, which only this thread sends.
              assertThat(store.reader().totals("debian", Optional.of(own), ALL).downloads()).isEqualTo(mine);
            }
            return mine;
          }));
        }
        long total = 0;
        for (Future<Long> f : sent) {
          total += f.get();
        }
        assertThat(store.reader().totals("debian", Optional.empty(), ALL).downloads())
            .isEqualTo(total + (long) MIRRORS * BATCHES);
        assertThat(store.reader().totals("debian", Optional.of("/debian/pool/shared.deb"), ALL).downloads())
            .isEqualTo((long) MIRRORS * BATCHES);
      } finally {
        pool.shutdownNow();
      }
    }
    Map<Integer, Long> folded = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT id, folded_batches FROM roll_state")) {
        while (rs.next()) {
          folded.put(rs.getInt(1), rs.getLong(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pending_rolls")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
    // Row 0 is the shared rollups' lock; rows 1..k count what each shard folded.
    assertThat(folded.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(folded.get(1) + folded.get(2) + folded.get(3)).isEqualTo((long) MIRRORS * BATCHES);
    assertThat(folded.get(1)).isPositive();
    assertThat(folded.get(2)).isPositive();
    assertThat(folded.get(3)).isPositive();
  }
}
