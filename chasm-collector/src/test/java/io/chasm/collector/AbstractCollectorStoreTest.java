package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chasm.collector.model.BatchRejectedException.Reason;
import io.chasm.collector.StatsReader.By;
import io.chasm.collector.StatsReader.Interval;
import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.StatsReader.Totals;
import io.chasm.collector.internal.db.Migrations;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.model.IngestOutcome;
import io.chasm.collector.model.Mirror;
import io.chasm.wire.proto.stats.CountmeRow;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.StatsRow;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.proto.stats.StatsBatch;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Storage behaviour every database must show. Subclasses supply a fresh, empty database per test
 * (SQLite file, real PostgreSQL server).
 */
abstract class AbstractCollectorStoreTest {
  static final LocalDate D1 = LocalDate.of(2026, 11, 2);
  static final Range ALL = new Range(LocalDate.of(2026, 1, 1), LocalDate.of(2027, 1, 1));

  /** JDBC URL of a new empty database. */
  abstract String freshDatabaseUrl() throws Exception;

  CollectorStore store;
  TestMirror alpha = new TestMirror("alpha");
  TestMirror beta = new TestMirror("beta");

  @BeforeEach
  void open() throws Exception {
    store = CollectorStore.open(freshDatabaseUrl(), 0, 8);
    store.enrol(alpha.name(), alpha.publicKey(), Optional.empty());
    store.enrol(beta.name(), beta.publicKey(), Optional.empty());
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private Totals total(String project) throws Exception {
    return store.reader().totals(project, Optional.empty(), ALL);
  }

  private StatsBatch simple(TestMirror m, String label, long downloads) {
    return TestMirror.windowed(m.batch(label).addRows(day(D1, "debian", "/debian/pool/a.deb", "deb", downloads, downloads * 100, people(m.name(), 10))));
  }

  @Test
  void open_migratesToLatestAndReopensIdempotently() throws Exception {
    assertThat(store.schemaVersion()).isEqualTo(Migrations.latestVersion());
    assertThat(store.mirrors()).extracting(Mirror::name).containsExactly("alpha", "beta");
  }

  @Test
  void open_refusesASchemaNewerThanTheCode() throws Exception {
    store.close();
    store = null;
    String url = freshDatabaseUrl();
    CollectorStore.open(url).close();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.Statement s = c.createStatement()) {
      s.execute("INSERT INTO schema_migrations (version, name, applied_unix) VALUES (99, 'V99__future', 0)");
    }
    assertThatThrownBy(() -> CollectorStore.open(url))
        .isInstanceOf(java.sql.SQLException.class)
        .hasMessageContaining("newer than this collector");
  }

  @Test
  void ingest_newBatch_countsItsRows() throws Exception {
    IngestOutcome o = store.ingest(alpha.signed(simple(alpha, "b1", 7)));
    assertThat(o.duplicate()).isFalse();
    assertThat(o.rowsCounted()).isEqualTo(3); // the DAY row, its WEEK and its MONTH row
    Totals t = total("debian");
    assertThat(t.downloads()).isEqualTo(7);
    assertThat(t.bytes()).isEqualTo(700);
    assertThat(t.unique()).isEqualTo(10);
    assertThat(store.mirror("alpha").orElseThrow().batches()).isEqualTo(1);
  }

  @Test
  void ingest_exactResend_changesNothing() throws Exception {
    byte[] body = alpha.signed(simple(alpha, "b1", 7));
    store.ingest(body);
    IngestOutcome again = store.ingest(body);
    assertThat(again.duplicate()).isTrue();
    // Rebuilt later with another created_unix: still the same content.
    IngestOutcome rebuilt = store.ingest(alpha.signed(simple(alpha, "b1", 7).toBuilder().setCreatedUnix(99).build()));
    assertThat(rebuilt.duplicate()).isTrue();
    assertThat(total("debian").downloads()).isEqualTo(7);
    assertThat(store.mirror("alpha").orElseThrow().batches()).isEqualTo(1);
  }

  @Test
  void ingest_sameIdOtherContent_isConflictAndAlerted() throws Exception {
    store.ingest(alpha.signed(simple(alpha, "b1", 7)));
    assertThatThrownBy(() -> store.ingest(alpha.signed(simple(alpha, "b1", 8))))
        .isInstanceOf(BatchRejectedException.class)
        .extracting(e -> ((BatchRejectedException) e).reason())
        .isEqualTo(Reason.CONFLICT);
    assertThat(total("debian").downloads()).isEqualTo(7);
    assertThat(store.alerts("alpha")).contains("batch-conflict");
  }

  @Test
  void ingest_forgedSignature_isRefusedAndCountedNowhere() throws Exception {
    SignedStatsBatch good = SignedStatsBatch.parseFrom(alpha.signed(simple(alpha, "b1", 7)));
    byte[] sig = good.getSignature().toByteArray();
    sig[5] ^= 1;
    byte[] forged = good.toBuilder().setSignature(ByteString.copyFrom(sig)).build().toByteArray();
    assertReason(forged, Reason.UNAUTHENTICATED);
    // Signed by beta but presented with alpha's key.
    byte[] bytes = simple(alpha, "b2", 3).toByteArray();
    byte[] wrongKey = good.toBuilder().setBatch(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(beta.sign(bytes))).build().toByteArray();
    assertReason(wrongKey, Reason.UNAUTHENTICATED);
    assertThat(store.reader().dataRange()).isEmpty();
    assertThat(store.mirror("alpha").orElseThrow().batches()).isZero();
    assertThat(store.alerts("alpha")).contains("bad-signature");
  }

  @Test
  void ingest_unknownKey_isUnauthenticated() throws Exception {
    TestMirror stranger = new TestMirror("alpha");
    assertReason(stranger.signed(simple(stranger, "b1", 1)), Reason.UNAUTHENTICATED);
  }

  @Test
  void ingest_revokedMirror_isForbidden() throws Exception {
    assertThat(store.revoke("alpha")).isTrue();
    assertThat(store.revoke("alpha")).isFalse();
    assertReason(alpha.signed(simple(alpha, "b1", 1)), Reason.FORBIDDEN);
    assertThat(store.mirror("alpha").orElseThrow().revoked()).isTrue();
  }

  @Test
  void ingest_batchNamingAnotherMirror_isForbidden() throws Exception {
    StatsBatch b = simple(alpha, "b1", 1).toBuilder().setMirrorId("beta").build();
    assertReason(alpha.signed(b), Reason.FORBIDDEN);
  }

  @Test
  void ingest_malformed_isRefused() throws Exception {
    assertReason(new byte[] {1, 2, 3, 4, 5}, Reason.MALFORMED);
    assertReason(alpha.signed(simple(alpha, "b1", 1).toBuilder().setFormatVersion(2).build()), Reason.MALFORMED);
    assertReason(alpha.signed(simple(alpha, "b1", 1).toBuilder().setBatchId(ByteString.copyFrom(new byte[5])).build()),
        Reason.MALFORMED);
    StatsBatch unaligned = alpha.batch("u").addRows(TestMirror.row(Granularity.DAY, 86_400 + 5, "p", "/a", "iso", "http", 1, 1)).build();
    assertReason(alpha.signed(unaligned), Reason.MALFORMED);
    StatsBatch badSketch = alpha.batch("s").addRows(day(D1, "p", "/a", "iso", 1, 1).toBuilder()
        .setUniqueSketch(ByteString.copyFromUtf8("not a sketch")).build()).build();
    assertReason(alpha.signed(badSketch), Reason.MALFORMED);
    StatsBatch query = alpha.batch("q").addRows(day(D1, "p", "/a?x=1", "iso", 1, 1)).build();
    assertReason(alpha.signed(query), Reason.MALFORMED);
    assertThat(store.reader().dataRange()).isEmpty();
  }

  @Test
  void ingest_weekAndMonthRows_carryOnlyTheirSketches_aligned() throws Exception {
    long monday = 1_732_492_800L; // 2024-11-25, ISO week 2024-W48 (SPEC §11.4)
    long first = 1_730_419_200L; // 2024-11-01
    StatsBatch ok = alpha.batch("w").addRows(TestMirror.row(Granularity.WEEK, monday, "p", "/a", "iso", "http", 0, 0, "x", "y"))
        .addRows(TestMirror.row(Granularity.MONTH, first, "p", "/a", "iso", "http", 0, 0, "x")).build();
    assertThat(store.ingest(alpha.signed(ok)).duplicate()).isFalse();
    for (StatsRow bad : List.of(
        TestMirror.row(Granularity.WEEK, monday + 86_400, "p", "/a", "iso", "http", 0, 0, "x"),
        TestMirror.row(Granularity.MONTH, first + 86_400, "p", "/a", "iso", "http", 0, 0, "x"),
        TestMirror.row(Granularity.WEEK, monday, "p", "/a", "iso", "http", 1, 0, "x"),
        TestMirror.row(Granularity.MONTH, first, "p", "/a", "iso", "http", 0, 5, "x"))) {
      assertReason(alpha.signed(alpha.batch("bad").addRows(bad).build()), Reason.MALFORMED);
    }
  }

  @Test
  void ingest_twoMirrors_sumCountsAndUnionSketches() throws Exception {
    // 10 people via alpha, 10 via beta, 5 of them the same. Each mirror keys its hashes with its
    // own secrets, so the collector cannot tell the 5 apart: across mirrors figures are summed (20).
    store.ingest(alpha.signed(TestMirror.windowed(alpha.batch("1").addRows(day(D1, "debian", "/x.iso", "iso", 10, 1000, people("p", 10))))));
    store.ingest(beta.signed(TestMirror.windowed(beta.batch("1").addRows(day(D1, "debian", "/x.iso", "iso", 10, 1000, java.util.Arrays.copyOfRange(people("p", 15), 5, 15))))));
    Totals t = total("debian");
    assertThat(t.downloads()).isEqualTo(20);
    assertThat(t.bytes()).isEqualTo(2000);
    assertThat(t.unique()).isEqualTo(20);
    assertThat(t.window()).isEqualTo(new StatsReader.UniqueWindow("month", "2026-01", 12));
    assertThat(store.reader().breakdown("debian", Optional.empty(), By.MIRROR, ALL))
        .extracting(StatsReader.Slice::key)
        .containsExactlyInAnyOrder("alpha", "beta");
  }

  @Test
  void ingest_sameCellTwice_mergesIntoOneAggregate() throws Exception {
    store.ingest(alpha.signed(TestMirror.windowed(alpha.batch("1").addRows(day(D1, "debian", "/x.iso", "iso", 4, 40, people("a", 4))))));
    store.ingest(alpha.signed(TestMirror.windowed(alpha.batch("2").addRows(day(D1, "debian", "/x.iso", "iso", 6, 60, people("a", 6))))));
    Totals t = total("debian");
    assertThat(t.downloads()).isEqualTo(10);
    assertThat(t.unique()).isEqualTo(6);
  }

  @Test
  void ingest_enrolledForProject_dropsForeignRows() throws Exception {
    TestMirror fed = new TestMirror("fed");
    store.enrol("fed", fed.publicKey(), Optional.of("fedora"));
    IngestOutcome o = store.ingest(fed.signed(fed.batch("1")
        .addRows(day(D1, "fedora", "/f.rpm", "rpm", 3, 30, people("f", 3)))
        .addRows(day(D1, "debian", "/d.deb", "deb", 5, 50, people("d", 5)))
        .addCountme(CountmeRow.newBuilder().setWeekStart(0).setProject("fedora").setAgeBucket(1).setSystems(9))
        .build()));
    assertThat(o.rowsCounted()).isEqualTo(1);
    assertThat(o.rowsDropped()).isEqualTo(1);
    assertThat(total("fedora").downloads()).isEqualTo(3);
    assertThat(total("debian").unique()).isZero();
  }

  @Test
  void ingest_countmeRows_sumOverMirrorsAndBatches() throws Exception {
    long week = D1.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
    CountmeRow.Builder cm = CountmeRow.newBuilder().setWeekStart(week).setProject("fedora").setAgeBucket(2).setLabel("f40");
    store.ingest(alpha.signed(alpha.batch("c1").addCountme(cm.setSystems(4)).build()));
    store.ingest(alpha.signed(alpha.batch("c2").addCountme(cm.setSystems(3)).build()));
    store.ingest(beta.signed(beta.batch("c1").addCountme(cm.setSystems(5))
        .addCountme(cm.clone().setAgeBucket(1).setSystems(1)).build()));
    var rows = store.reader().countme("fedora", ALL);
    assertThat(rows).containsExactly(
        new StatsReader.Countme("2026-11-02", 1, "f40", 1L), new StatsReader.Countme("2026-11-02", 2, "f40", 12L));
  }

  @Test
  void ingest_concurrentResends_countOnce() throws Exception {
    byte[] body = alpha.signed(simple(alpha, "race", 5));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<IngestOutcome>> tasks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        tasks.add(() -> store.ingest(body));
      }
      long fresh = 0;
      for (Future<IngestOutcome> f : pool.invokeAll(tasks)) {
        fresh += f.get().duplicate() ? 0 : 1;
      }
      assertThat(fresh).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(total("debian").downloads()).isEqualTo(5);
  }

  @Test
  void reader_suppressesFiguresBelowThreshold() throws Exception {
    store.close();
    store = null;
    String url = freshDatabaseUrl();
    try (CollectorStore s = CollectorStore.open(url, 5, 2)) {
      s.enrol("alpha", alpha.publicKey(), Optional.empty());
      s.ingest(alpha.signed(TestMirror.windowed(alpha.batch("1")
          .addRows(day(D1, "debian", "/popular.iso", "iso", 50, 5000, people("x", 40)))
          .addRows(day(D1, "debian", "/rare.iso", "iso", 3, 300, people("y", 3))))));
      var page = s.reader().topArtifacts("debian", ALL, null, 0, 10);
      assertThat(page.items()).hasSize(2);
      assertThat(page.items().get(0).totals().downloads()).isEqualTo(50);
      Totals rare = page.items().get(1).totals();
      assertThat(rare.suppressed()).isTrue();
      assertThat(rare.downloads()).isNull();
      assertThat(rare.unique()).isNull();
      assertThat(s.reader().totals("debian", Optional.of("/rare.iso"), ALL).suppressed()).isTrue();
      assertThat(s.reader().totals("debian", Optional.empty(), ALL).downloads()).isEqualTo(53);
    }
  }

  @Test
  void reader_seriesBucketsDaysIntoWeeksAndMonths() throws Exception {
    StatsBatch.Builder b = alpha.batch("1");
    for (int d = 0; d < 40; d++) {
      b.addRows(day(D1.plusDays(d), "debian", "/x.iso", "iso", 1, 10, "u" + d));
    }
    store.ingest(alpha.signed(TestMirror.windowed(b)));
    Range r = new Range(D1, D1.plusDays(40));
    var days = store.reader().series("debian", Optional.empty(), Interval.DAY, r);
    assertThat(days).hasSize(40).allSatisfy(p -> assertThat(p.totals().downloads()).isEqualTo(1));
    var weeks = store.reader().series("debian", Optional.of("/x.iso"), Interval.WEEK, r);
    assertThat(weeks.get(0).period()).isEqualTo("2026-11-02");
    assertThat(weeks.get(0).totals().downloads()).isEqualTo(7);
    assertThat(weeks.get(0).totals().unique()).isEqualTo(7);
    assertThat(weeks.stream().mapToLong(p -> p.totals().downloads()).sum()).isEqualTo(40);
    var months = store.reader().series("debian", Optional.empty(), Interval.MONTH, r);
    assertThat(months).extracting(StatsReader.Point::period).containsExactly("2026-11-01", "2026-12-01");
    assertThat(months.get(0).totals().downloads()).isEqualTo(29);
  }

  @Test
  void windows_oneClientOnSevenDays_isOnceInTheWeekAndMonth_sevenTimesInTheDays() throws Exception {
    // An agent with a secret per window: the same client hashes alike all week, unlike across days.
    LocalDate monday = LocalDate.of(2026, 11, 2);
    StatsBatch.Builder b = alpha.batch("w");
    for (int d = 0; d < 7; d++) {
      b.addRows(day(monday.plusDays(d), "debian", "/x.iso", "iso", 1, 10, "day" + d + "-client"));
    }
    long week = monday.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
    long month = LocalDate.of(2026, 11, 1).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
    b.addRows(TestMirror.row(Granularity.WEEK, week, "debian", "/x.iso", "iso", "http", 0, 0, "week-client"));
    b.addRows(TestMirror.row(Granularity.MONTH, month, "debian", "/x.iso", "iso", "http", 0, 0, "month-client"));
    store.ingest(alpha.signed(b.build()));
    Range w = new Range(monday, monday.plusDays(7));
    Totals t = store.reader().totals("debian", Optional.empty(), w);
    assertThat(t.unique()).isEqualTo(1);
    assertThat(t.window()).isEqualTo(new StatsReader.UniqueWindow("week", "2026-W45", 1));
    Totals m = store.reader().totals("debian", Optional.of("/x.iso"), new Range(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1)));
    assertThat(m.unique()).isEqualTo(1);
    assertThat(m.window()).isEqualTo(new StatsReader.UniqueWindow("month", "2026-11", 1));
    var days = store.reader().series("debian", Optional.empty(), Interval.DAY, w);
    assertThat(days.stream().mapToLong(p -> p.totals().unique()).sum()).isEqualTo(7);
    assertThat(days.get(0).totals().window()).isEqualTo(new StatsReader.UniqueWindow("day", "2026-11-02", 1));
    assertThat(t.downloads()).isEqualTo(7);
  }

  @Test
  void windows_batchWithoutWindowRows_hasNoWeekOrMonthUniques() throws Exception {
    StatsBatch.Builder b = alpha.batch("days");
    for (int d = 0; d < 7; d++) {
      b.addRows(day(D1.plusDays(d), "debian", "/x.iso", "iso", 1, 10, "day" + d + "-client"));
    }
    store.ingest(alpha.signed(b.build()));
    Totals week = store.reader().totals("debian", Optional.empty(), new Range(D1, D1.plusDays(7)));
    assertThat(week.downloads()).isEqualTo(7);
    // SPEC §11.9: never the union of the daily sketches, which would count one client 7 times.
    assertThat(week.unique()).isZero();
    assertThat(store.reader().series("debian", Optional.empty(), Interval.DAY, new Range(D1, D1.plusDays(7))))
        .allSatisfy(p -> assertThat(p.totals().unique()).isEqualTo(1));
  }

  @Test
  void ingest_weekOrMonthRowWithCountersOrMisaligned_isMalformed() throws Exception {
    long monday = LocalDate.of(2026, 11, 2).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
    assertReason(alpha.signed(alpha.batch("c").addRows(
        TestMirror.row(Granularity.WEEK, monday, "p", "/a", "iso", "http", 3, 0, "x")).build()), Reason.MALFORMED);
    assertReason(alpha.signed(alpha.batch("t").addRows(
        TestMirror.row(Granularity.WEEK, monday + 86400, "p", "/a", "iso", "http", 0, 0, "x")).build()), Reason.MALFORMED);
    assertReason(alpha.signed(alpha.batch("m").addRows(
        TestMirror.row(Granularity.MONTH, monday, "p", "/a", "iso", "http", 0, 0, "x")).build()), Reason.MALFORMED);
    assertThat(store.reader().dataRange()).isEmpty();
  }

  @Test
  void ingest_batchLargerThanOneStatement_addsUpLikeSmallOnes() throws Exception {
    // More rows than one multi-row statement takes, for stats and for each rollup: the batch goes
    // in several statements (new rows, then, resent under another id, rows that exist), which
    // must count each row once, as a small batch does.
    int n = 3500;
    long downloads = 0;
    List<StatsBatch> batches = new ArrayList<>();
    for (String id : List.of("big-1", "big-2")) {
      StatsBatch.Builder b = alpha.batch(id);
      for (int i = 0; i < n; i++) {
        b.addRows(day(D1, "debian", "/pool/p" + i + ".deb", "deb", i + 1, 10L * (i + 1), "d" + i % 7));
      }
      batches.add(TestMirror.windowed(b));
    }
    for (int i = 0; i < n; i++) {
      downloads += 2L * (i + 1);
    }
    for (StatsBatch b : batches) {
      assertThat(store.ingest(alpha.signed(b)).rowsCounted()).isEqualTo(3 * n);
    }
    assertThat(store.ingest(alpha.signed(batches.get(0))).duplicate()).isTrue();
    Totals t = total("debian");
    assertThat(t.downloads()).isEqualTo(downloads);
    assertThat(t.bytes()).isEqualTo(10 * downloads);
    assertThat(t.unique()).isEqualTo(7);
    assertThat(store.reader().topArtifacts("debian", ALL, null, 0, 1).total()).isEqualTo(n);
    assertThat(store.reader().projects(ALL)).singleElement()
        .satisfies(p -> assertThat(p.artifacts()).isEqualTo(n));
    assertThat(store.reader().topArtifacts("debian", ALL, "/pool/p3499.deb", 0, 1).items()).singleElement()
        .satisfies(a -> assertThat(a.totals().downloads()).isEqualTo(2 * 3500L));
  }

  @Test
  void migrationToRollups_fillsThemFromDataAlreadyStored() throws Exception {
    store.close();
    store = null;
    String url = freshDatabaseUrl();
    StatsBatch.Builder b = alpha.batch("old");
    for (int d = 0; d < 40; d++) {
      b.addRows(day(D1.plusDays(d), d % 2 == 0 ? "debian" : "fedora", "/x" + d % 3, "iso", d + 1, 10L * d, people("u", 1 + d % 7)));
    }
    List<Object> before = new ArrayList<>();
    try (CollectorStore s = CollectorStore.open(url, 0, 2)) {
      s.enrol("alpha", alpha.publicKey(), Optional.empty());
      s.ingest(alpha.signed(TestMirror.windowed(b)));
      before.add(s.reader().projects(ALL));
      before.add(s.reader().series("debian", Optional.empty(), Interval.WEEK, new Range(D1, D1.plusDays(40))));
      before.add(s.reader().topArtifacts("fedora", new Range(D1.plusDays(3), D1.plusDays(33)), null, 0, 10));
      // One artifact by mirror: counters from DAY rows, uniques from the WEEK and MONTH sketches.
      before.add(s.reader().breakdown("debian", Optional.of("/x0"), By.MIRROR, new Range(D1, D1.plusDays(40))));
    }
    // Back to schema 1 as it was: the raw rows (a schema-1 collector stored WEEK and MONTH rows
    // too, SPEC §11.9), no rollups.
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
      st.execute("DROP TABLE roll_artifact");
      st.execute("DROP TABLE roll_mirror");
      st.execute("DROP TABLE roll_project");
      st.execute("DROP TABLE artifacts");
      st.execute("DROP TABLE mirror_snapshots");
      st.execute("DROP TABLE pending_rolls");
      st.execute("DROP TABLE roll_state");
      // Schema 7 keeps WEEK and MONTH rows in window_sketches; schema 1 had them in stats.
      st.execute("INSERT INTO stats (granularity, project, period_start, artifact, type, protocol, mirror_id,"
          + " downloads, bytes, bot_requests, sketch) SELECT granularity, project, period_start, artifact, type,"
          + " protocol, mirror_id, 0, 0, 0, sketch FROM window_sketches");
      st.execute("DROP TABLE window_sketches");
      st.execute("DELETE FROM schema_migrations WHERE version >= 2");
    }
    try (CollectorStore s = CollectorStore.open(url, 0, 2)) {
      assertThat(s.schemaVersion()).isEqualTo(Migrations.latestVersion());
      assertThat(s.reader().projects(ALL)).isEqualTo(before.get(0));
      assertThat(s.reader().series("debian", Optional.empty(), Interval.WEEK, new Range(D1, D1.plusDays(40))))
          .isEqualTo(before.get(1));
      assertThat(s.reader().topArtifacts("fedora", new Range(D1.plusDays(3), D1.plusDays(33)), null, 0, 10))
          .isEqualTo(before.get(2));
      assertThat(s.reader().breakdown("debian", Optional.of("/x0"), By.MIRROR, new Range(D1, D1.plusDays(40))))
          .isEqualTo(before.get(3));
    }
  }

  @Test
  void reader_topArtifactsSearchesAndPages() throws Exception {
    StatsBatch.Builder b = alpha.batch("1");
    for (int i = 0; i < 25; i++) {
      b.addRows(day(D1, "debian", "/pool/pkg" + i + ".deb", "deb", 100 - i, 1, people("p", 6)));
    }
    b.addRows(day(D1, "debian", "/iso/DEBIAN_100%.iso", "iso", 1, 1, people("q", 6)));
    store.ingest(alpha.signed(b.build()));
    var first = store.reader().topArtifacts("debian", ALL, null, 0, 10);
    assertThat(first.total()).isEqualTo(26);
    assertThat(first.items()).hasSize(10);
    assertThat(first.items().get(0).artifact()).isEqualTo("/pool/pkg0.deb");
    var third = store.reader().topArtifacts("debian", ALL, "", 20, 10);
    assertThat(third.items()).hasSize(6);
    var found = store.reader().topArtifacts("debian", ALL, "PKG1", 0, 50);
    assertThat(found.total()).isEqualTo(11);
    assertThat(store.reader().topArtifacts("debian", ALL, "100%", 0, 5).items())
        .extracting(StatsReader.ArtifactRow::artifact).containsExactly("/iso/DEBIAN_100%.iso");
    assertThat(store.reader().topArtifacts("debian", ALL, "g_", 0, 5).total()).isZero();
    assertThat(store.reader().breakdown("debian", Optional.empty(), By.TYPE, ALL))
        .extracting(StatsReader.Slice::key).containsExactly("deb", "iso");
    assertThat(store.reader().projects(ALL)).extracting(StatsReader.ProjectSummary::project).containsExactly("debian");
    // All the data (the artifact catalogue) and one day of it (a distinct count) agree.
    assertThat(store.reader().projects(ALL).get(0).artifacts()).isEqualTo(26);
    assertThat(store.reader().projects(new Range(D1, D1.plusDays(1))).get(0).artifacts()).isEqualTo(26);
    assertThat(store.reader().topArtifacts("debian", ALL, null, 40, 10).total()).isEqualTo(26);
  }

  @Test
  void enrol_duplicateNameOrKey_isRefused() throws Exception {
    assertThatThrownBy(() -> store.enrol("alpha", new TestMirror("x").publicKey(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.enrol("gamma", alpha.publicKey(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.enrol("bad name", new TestMirror("y").publicKey(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void assertReason(byte[] body, Reason reason) {
    assertThatThrownBy(() -> store.ingest(body))
        .isInstanceOf(BatchRejectedException.class)
        .extracting(e -> ((BatchRejectedException) e).reason())
        .isEqualTo(reason);
  }
}
