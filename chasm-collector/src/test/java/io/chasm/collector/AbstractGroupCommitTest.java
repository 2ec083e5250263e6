package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.model.BatchRejectedException.Reason;
import io.chasm.collector.model.IngestOutcome;
import io.chasm.wire.proto.stats.StatsBatch;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Submissions that arrive together are committed together (one writer, one transaction per
 * group): each still gets its own answer (new, already counted, or a conflict), exactly as when
 * they arrive one by one, and the rollups count each distinct batch once.
 */
abstract class AbstractGroupCommitTest {
  static final LocalDate D1 = LocalDate.of(2026, 11, 2);
  static final Range ALL = new Range(LocalDate.of(2026, 1, 1), LocalDate.of(2027, 1, 1));

  abstract String freshDatabaseUrl() throws Exception;

  CollectorStore store;
  final TestMirror[] mirrors = {new TestMirror("m0"), new TestMirror("m1"), new TestMirror("m2"), new TestMirror("m3")};

  @BeforeEach
  void open() throws Exception {
    store = CollectorStore.open(freshDatabaseUrl(), 0, 8);
    for (TestMirror m : mirrors) {
      store.enrol(m.name(), m.publicKey(), Optional.empty());
    }
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private static StatsBatch batch(TestMirror m, String label, int dayOffset, long downloads) {
    return TestMirror.windowed(m.batch(label).addRows(day(D1.plusDays(dayOffset), "debian",
        "/debian/pool/" + label + ".deb", "deb", downloads, downloads * 10, people(m.name() + label, 3))));
  }

  /** Runs every task at once (as near as threads allow) and returns what each returned or threw. */
  private static List<Object> together(List<Callable<IngestOutcome>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<IngestOutcome>> futures = new ArrayList<>();
      for (Callable<IngestOutcome> t : tasks) {
        futures.add(pool.submit(() -> {
          go.await();
          return t.call();
        }));
      }
      go.countDown();
      List<Object> out = new ArrayList<>();
      for (Future<IngestOutcome> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          out.add(e.getCause());
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentIdenticalConflictingAndDistinct_eachGetsItsOwnAnswer() throws Exception {
    TestMirror m = mirrors[0];
    byte[] same = m.signed(batch(m, "same", 0, 5));
    List<Callable<IngestOutcome>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(() -> store.ingest(same));
    }
    // Eight different contents under one batch id: the first committed wins, the others conflict.
    for (int i = 1; i <= 8; i++) {
      byte[] variant = m.signed(batch(m, "contested", 1, 100L * i));
      tasks.add(() -> store.ingest(variant));
    }
    for (int i = 0; i < 8; i++) {
      TestMirror other = mirrors[1 + i % 3];
      byte[] distinct = other.signed(batch(other, "own-" + i, 2, 1000));
      tasks.add(() -> store.ingest(distinct));
    }
    List<Object> answers = together(tasks);

    assertThat(answers.subList(0, 8)).allSatisfy(a -> assertThat(a).isInstanceOf(IngestOutcome.class));
    assertThat(answers.subList(0, 8).stream().filter(a -> !((IngestOutcome) a).duplicate()).count()).isEqualTo(1);

    List<Object> contested = answers.subList(8, 16);
    long accepted = contested.stream().filter(a -> a instanceof IngestOutcome o && !o.duplicate()).count();
    assertThat(accepted).isEqualTo(1);
    assertThat(contested.stream().filter(a -> a instanceof BatchRejectedException e && e.reason() == Reason.CONFLICT))
        .hasSize(7);
    long winner = 0;
    for (int i = 0; i < 8; i++) {
      if (contested.get(i) instanceof IngestOutcome) {
        winner = 100L * (i + 1);
      }
    }

    assertThat(answers.subList(16, 24)).allSatisfy(
        a -> assertThat(a).isInstanceOfSatisfying(IngestOutcome.class, o -> assertThat(o.duplicate()).isFalse()));

    Optional<String> none = Optional.empty();
    assertThat(store.reader().totals("debian", none, new Range(D1, D1.plusDays(1))).downloads()).isEqualTo(5);
    assertThat(store.reader().totals("debian", none, new Range(D1.plusDays(1), D1.plusDays(2))).downloads())
        .isEqualTo(winner);
    assertThat(store.reader().totals("debian", none, new Range(D1.plusDays(2), D1.plusDays(3))).downloads())
        .isEqualTo(8 * 1000);
    assertThat(store.mirror("m0").orElseThrow().batches()).isEqualTo(2);
    assertThat(store.mirrors().stream().mapToLong(x -> x.batches()).sum()).isEqualTo(10);
    assertThat(store.alerts("m0")).contains("batch-conflict");
  }

  @Test
  void manyBatchesOfManyMirrors_thenAllResent_eachCountedOnce() throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    long expected = 0;
    for (TestMirror m : mirrors) {
      for (int d = 0; d < 20; d++) {
        long downloads = 1 + (d * 7 + m.name().hashCode()) % 13 + 13;
        bodies.add(m.signed(batch(m, "d" + d, d % 10, downloads)));
        expected += downloads;
      }
    }
    List<Callable<IngestOutcome>> first = new ArrayList<>();
    bodies.forEach(b -> first.add(() -> store.ingest(b)));
    assertThat(together(first)).allSatisfy(
        a -> assertThat(a).isInstanceOfSatisfying(IngestOutcome.class, o -> assertThat(o.duplicate()).isFalse()));
    StatsReader.Totals afterFirst = store.reader().totals("debian", Optional.empty(), ALL);
    assertThat(afterFirst.downloads()).isEqualTo(expected);

    List<Callable<IngestOutcome>> again = new ArrayList<>();
    bodies.forEach(b -> again.add(() -> store.ingest(b)));
    assertThat(together(again)).allSatisfy(
        a -> assertThat(a).isInstanceOfSatisfying(IngestOutcome.class, o -> assertThat(o.duplicate()).isTrue()));
    assertThat(store.reader().totals("debian", Optional.empty(), ALL)).isEqualTo(afterFirst);
    for (TestMirror m : mirrors) {
      assertThat(store.mirror(m.name()).orElseThrow().batches()).isEqualTo(20);
    }
    // Artifacts are named by label: the mirrors share 20.
    assertThat(store.reader().topArtifacts("debian", ALL, null, 0, 500).total()).isEqualTo(20);
  }
}
