package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.StatsReader.Range;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two collector processes on one database, with different numbers of roller shards, taking turns
 * at one mirror's batches (the same days, weeks and month again and again): every figure equals
 * what one collector alone makes of the same batches. Each roller shard remembers which rows its
 * mirrors lack (RollMemory) and must forget it when the other process has rolled.
 *
 * <p>PostgreSQL only: two processes writing one SQLite file meet SQLITE_BUSY_SNAPSHOT in the
 * group committer, which this collector does not retry (one collector per SQLite file);
 * RollMemoryProperties checks the memory's check against another process's rolls on SQLite.
 */
abstract class AbstractSharedDatabaseTest {
  static final LocalDate D1 = LocalDate.of(2026, 11, 2); // a Monday

  abstract String freshDatabaseUrl() throws Exception;

  @Test
  void twoCollectorsTakingTurns_countAsOne() throws Exception {
    String shared = freshDatabaseUrl();
    String alone = freshDatabaseUrl();
    TestMirror mirror = new TestMirror("m");
    try (CollectorStore a = CollectorStore.open(shared, 0, 4, 1);
        CollectorStore b = CollectorStore.open(shared, 0, 4, 2);
        CollectorStore reference = CollectorStore.open(alone, 0, 4, 1)) {
      a.enrol(mirror.name(), mirror.publicKey(), Optional.empty());
      reference.enrol(mirror.name(), mirror.publicKey(), Optional.empty());
      for (int n = 0; n < 8; n++) {
        // Days D1, D1, D2, D2, ...: each process in turn sees a window the other one opened.
        LocalDate d = D1.plusDays(n / 2);
        byte[] body = mirror.signed(TestMirror.windowed(mirror.batch("b" + n).addRows(
            day(d, "debian", "/debian/pool/a.deb", "deb", 1 + n, 10, people("c", 2 + n)))
            .addRows(day(d, "debian", "/debian/pool/b.deb", "deb", 1, 10, people("s" + n, 2)))));
        CollectorStore turn = n % 2 == 0 ? a : b;
        assertThat(turn.ingest(body).duplicate()).isFalse();
        assertThat(reference.ingest(body).duplicate()).isFalse();
        // A read folds what is pending, in the process that acknowledged it.
        fold(turn);
      }
      fold(a);
      fold(b);
      for (Range r : List.of(new Range(D1, D1.plusDays(1)), new Range(D1.plusDays(1), D1.plusDays(2)),
          new Range(D1, D1.plusDays(7)), new Range(D1.withDayOfMonth(1), D1.withDayOfMonth(1).plusMonths(1)),
          new Range(D1, D1.plusDays(4)))) {
        for (Optional<String> artifact : List.of(Optional.<String>empty(), Optional.of("/debian/pool/a.deb"))) {
          assertThat(a.reader().totals("debian", artifact, r)).as("%s %s", r, artifact)
              .isEqualTo(reference.reader().totals("debian", artifact, r));
        }
      }
    }
  }

  /**
   * Folds what the store acknowledged. The other process's background roller may fold the same
   * pending rows at the same moment; then one of the two rolls back (Roller: "roll read N pending
   * batches but would delete M") and the read that ran it fails, to be tried again.
   */
  private static void fold(CollectorStore store) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        store.reader().totals("debian", Optional.empty(), new Range(D1, D1.plusDays(1)));
        return;
      } catch (IllegalStateException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }
}
