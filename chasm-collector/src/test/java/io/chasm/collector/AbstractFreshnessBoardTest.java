package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.collector.FreshnessBoard.Entry;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.wire.proto.stats.MirrorSnapshot;
import io.chasm.wire.proto.stats.StatsBatch;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshots mirrors report with their batches (SPEC §11.19) and the board judging them
 * (§11.20), on each database. Subclasses give a fresh database per test.
 */
abstract class AbstractFreshnessBoardTest {
  static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
  static final Duration DAY = Duration.ofHours(24);

  abstract String freshDatabaseUrl() throws Exception;

  CollectorStore store;
  final TestMirror alpha = new TestMirror("alpha");
  final TestMirror beta = new TestMirror("beta");

  @BeforeEach
  void open() throws Exception {
    store = CollectorStore.open(freshDatabaseUrl(), 0, 4);
    store.enrol(alpha.name(), alpha.publicKey(), Optional.empty());
    store.enrol(beta.name(), beta.publicKey(), Optional.empty());
  }

  @AfterEach
  void close() {
    store.close();
  }

  static StatsBatch batch(TestMirror m, String label, String repository, long seq, Instant created) {
    StatsBatch.Builder b = m.batch(label).addRows(day(LocalDate.of(2026, 11, 9), "debian", "/a.deb", "deb", 1, 10, people(label, 1)));
    if (repository != null) {
      b.setMirrorSnapshot(MirrorSnapshot.newBuilder().setRepository(repository).setSequence(seq)
          .setCreatedUnix(created.getEpochSecond()));
    }
    return b.build();
  }

  Entry entry(String mirror, String repository) throws Exception {
    return store.freshness().entries(NOW, DAY).stream()
        .filter(e -> e.mirror().equals(mirror) && e.repository().equals(repository)).findFirst().orElseThrow();
  }

  @Test
  void board_flagsTheMirrorBehindTheNewestSequence_andAnOldSnapshot() throws Exception {
    store.ingest(alpha.signed(batch(alpha, "a1", "debian", 42, NOW.minusSeconds(3600))));
    store.ingest(beta.signed(batch(beta, "b1", "debian", 40, NOW.minusSeconds(7200))));
    store.ingest(beta.signed(batch(beta, "b2", "ubuntu", 7, NOW.minus(Duration.ofDays(3)))));

    List<Entry> all = store.freshness().entries(NOW, DAY);
    assertThat(all).extracting(Entry::repository, Entry::mirror)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("debian", "alpha"),
            org.assertj.core.groups.Tuple.tuple("debian", "beta"), org.assertj.core.groups.Tuple.tuple("ubuntu", "beta"));
    Entry a = entry("alpha", "debian");
    assertThat(a.stale()).isFalse();
    assertThat(a.sequence()).isEqualTo(42);
    assertThat(a.ageSeconds()).isEqualTo(3600);
    assertThat(a.lastBatchUnix()).isPositive();
    Entry b = entry("beta", "debian");
    assertThat(b.stale()).isTrue();
    assertThat(b.behind()).isEqualTo(2);
    assertThat(b.newestSequence()).isEqualTo(42);
    assertThat(b.why()).isEqualTo("behind by 2");
    Entry u = entry("beta", "ubuntu");
    assertThat(u.stale()).isTrue();
    assertThat(u.behind()).isZero();
    assertThat(u.why()).isEqualTo("snapshot older than 24 h");
    // A wider threshold makes the old snapshot acceptable; being behind stays stale.
    assertThat(store.freshness().entries(NOW, Duration.ofDays(7))).filteredOn(Entry::stale)
        .extracting(Entry::mirror, Entry::repository).containsExactly(org.assertj.core.groups.Tuple.tuple("beta", "debian"));
  }

  @Test
  void report_highestSequenceWins_aResendWithANewerSnapshotIsTheSameBatch() throws Exception {
    StatsBatch first = batch(alpha, "a1", "debian", 10, NOW.minusSeconds(600));
    assertThat(store.ingest(alpha.signed(first)).duplicate()).isFalse();
    // The same work resent later carries the mirror's newer snapshot: a duplicate (SPEC §11.14,
    // §11.19), counted once, and the report moves on.
    StatsBatch resent = first.toBuilder().setMirrorSnapshot(first.getMirrorSnapshot().toBuilder().setSequence(11))
        .setCreatedUnix(first.getCreatedUnix() + 99).build();
    assertThat(store.ingest(alpha.signed(resent)).duplicate()).isTrue();
    assertThat(entry("alpha", "debian").sequence()).isEqualTo(11);
    assertThat(store.reader().totals("debian", Optional.empty(), AbstractCollectorStoreTest.ALL).downloads()).isEqualTo(1);
    // A late batch with an older report does not move the board back.
    store.ingest(alpha.signed(batch(alpha, "a0", "debian", 9, NOW.minusSeconds(9000))));
    assertThat(entry("alpha", "debian").sequence()).isEqualTo(11);
    // A batch without a report changes nothing on the board.
    store.ingest(alpha.signed(batch(alpha, "a2", null, 0, NOW)));
    assertThat(store.freshness().entries(NOW, DAY)).hasSize(1);
  }

  @Test
  void report_outOfRange_isRefusedWhole() throws Exception {
    for (StatsBatch bad : List.of(batch(alpha, "x1", "", 1, NOW), batch(alpha, "x2", "debian", 0, NOW),
        batch(alpha, "x3", "deb\u0001ian", 1, NOW), batch(alpha, "x4", "d".repeat(256), 1, NOW),
        batch(alpha, "x5", "debian", -1L, NOW), batch(alpha, "x6", "debian", 1, Instant.ofEpochSecond(-5)))) {
      assertThatThrownBy(() -> store.ingest(alpha.signed(bad))).isInstanceOf(BatchRejectedException.class)
          .extracting(e -> ((BatchRejectedException) e).reason()).isEqualTo(BatchRejectedException.Reason.MALFORMED);
    }
    assertThat(store.freshness().entries(NOW, DAY)).isEmpty();
    assertThat(store.reader().totals("debian", Optional.empty(), AbstractCollectorStoreTest.ALL).downloads()).isZero();
  }

  @Test
  void revokedMirror_leavesTheBoard() throws Exception {
    store.ingest(alpha.signed(batch(alpha, "a1", "debian", 5, NOW)));
    store.revoke("alpha");
    assertThat(store.freshness().entries(NOW, DAY)).isEmpty();
  }
}
