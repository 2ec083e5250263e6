package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.StatsReader.By;
import io.chasm.collector.StatsReader.Interval;
import io.chasm.collector.StatsReader.Point;
import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.StatsReader.Totals;
import io.chasm.collector.internal.Windows;
import io.chasm.collector.internal.Windows.Piece;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.StatsBatch;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * What the rollups answer equals what the submitted batches say, recomputed here from the batches
 * alone: random mirrors send random batches (some with week and month sketches, some without,
 * some resent), and for random ranges every view's downloads and bytes are exact sums and every
 * unique figure is the sum, over the windows tiling the range and over mirrors, of the distinct
 * downloaders the mirror reported in that window.
 */
abstract class AbstractRollupPropertiesTest {
  static final LocalDate BASE = LocalDate.of(2026, 10, 20);
  static final String[] PROJECTS = {"debian", "fedora"};
  static final String[] ARTIFACTS = {"/a.iso", "/b.deb", "/c.deb", "/d.rpm"};
  static final String[] TYPES = {"iso", "deb", "deb", "rpm"};
  static final String[] PROTOCOLS = {"http", "rsync"};

  /** JDBC URL of a new empty database. */
  abstract String freshDatabaseUrl() throws Exception;

  /** One sketch contribution a batch made: who came, in which window, for which row. */
  record Seen(String mirror, int kind, long start, String project, String artifact, String type, String protocol,
      Set<String> people) {}

  /** One DAY row's counters. */
  record Counted(String mirror, long day, String project, String artifact, String type, String protocol, long downloads,
      long bytes) {}

  @Property(tries = 12)
  void rollupsEqualTheBatchesRecomputed(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) throws Exception {
    Random rnd = new Random(seed);
    List<Seen> seen = new ArrayList<>();
    List<Counted> counted = new ArrayList<>();
    try (CollectorStore store = CollectorStore.open(freshDatabaseUrl(), 0, 4)) {
      int mirrors = 1 + rnd.nextInt(3);
      for (int m = 0; m < mirrors; m++) {
        TestMirror mirror = new TestMirror("m" + m);
        store.enrol(mirror.name(), mirror.publicKey(), Optional.empty());
        int batches = 1 + rnd.nextInt(6);
        List<byte[]> sent = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
          StatsBatch batch = randomBatch(rnd, mirror, b, seen, counted);
          byte[] body = mirror.signed(batch);
          store.ingest(body);
          sent.add(body);
        }
        store.ingest(sent.get(rnd.nextInt(sent.size()))); // a resend changes nothing
      }
      for (int check = 0; check < 6; check++) {
        LocalDate from = BASE.plusDays(rnd.nextInt(70));
        Range range = new Range(from, from.plusDays(1 + rnd.nextInt(75)));
        List<Piece> pieces = Windows.tile(range.from(), range.to());
        StatsReader r = store.reader();
        String project = PROJECTS[rnd.nextInt(PROJECTS.length)];
        int a = rnd.nextInt(ARTIFACTS.length);

        Predicate<String> inProject = p -> p.equals(project);
        expect(r.totals(project, Optional.empty(), range), range, pieces, counted, seen,
            c -> c.project().equals(project), s -> s.project().equals(project), s -> "");
        expect(r.totals(project, Optional.of(ARTIFACTS[a]), range), range, pieces, counted, seen,
            c -> inProject.test(c.project()) && c.artifact().equals(ARTIFACTS[a]),
            s -> inProject.test(s.project()) && s.artifact().equals(ARTIFACTS[a]), s -> s.protocol());
        for (var p : r.projects(range)) {
          expect(p.totals(), range, pieces, counted, seen, c -> c.project().equals(p.project()),
              s -> s.project().equals(p.project()), s -> "");
        }
        for (var slice : r.breakdown(project, Optional.empty(), By.TYPE, range)) {
          expect(slice.totals(), range, pieces, counted, seen, c -> c.project().equals(project) && c.type().equals(slice.key()),
              s -> s.project().equals(project) && s.type().equals(slice.key()), s -> "");
        }
        for (var slice : r.breakdown(project, Optional.empty(), By.MIRROR, range)) {
          expect(slice.totals(), range, pieces, counted, seen,
              c -> c.project().equals(project) && c.mirror().equals(slice.key()),
              s -> s.project().equals(project) && s.mirror().equals(slice.key()), s -> "");
        }
        for (var row : r.topArtifacts(project, range, null, 0, 10).items()) {
          expect(row.totals(), range, pieces, counted, seen,
              c -> c.project().equals(project) && c.artifact().equals(row.artifact()),
              s -> s.project().equals(project) && s.artifact().equals(row.artifact()), s -> s.protocol());
        }
        Interval interval = Interval.values()[1 + rnd.nextInt(3)];
        long total = 0;
        for (Point point : r.series(project, Optional.empty(), interval, range)) {
          total += point.totals().downloads();
        }
        assertThat(total).isEqualTo(expectedCounts(range, counted, c -> c.project().equals(project))[0]);
      }
    }
  }

  private StatsBatch randomBatch(Random rnd, TestMirror mirror, int label, List<Seen> seen, List<Counted> counted) {
    StatsBatch.Builder b = mirror.batch("b" + label);
    boolean windows = rnd.nextBoolean();
    LocalDate day = BASE.plusDays(rnd.nextInt(80));
    int rows = 1 + rnd.nextInt(5);
    Map<String, Set<String>> cells = new HashMap<>();
    for (int i = 0; i < rows; i++) {
      int a = rnd.nextInt(ARTIFACTS.length);
      String project = PROJECTS[rnd.nextInt(PROJECTS.length)];
      String protocol = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
      String cell = project + "\0" + a + "\0" + protocol;
      if (cells.containsKey(cell)) {
        continue;
      }
      Set<String> people = new HashSet<>();
      int n = 1 + rnd.nextInt(12);
      for (int k = 0; k < n; k++) {
        people.add(mirror.name() + "-p" + rnd.nextInt(25));
      }
      cells.put(cell, people);
      long downloads = n + rnd.nextInt(50);
      long bytes = downloads * (1 + rnd.nextInt(1000));
      long start = Windows.unix(day);
      b.addRows(TestMirror.row(Granularity.DAY, start, project, ARTIFACTS[a], TYPES[a], protocol, downloads, bytes,
          people.toArray(String[]::new)));
      counted.add(new Counted(mirror.name(), start, project, ARTIFACTS[a], TYPES[a], protocol, downloads, bytes));
      seen.add(new Seen(mirror.name(), Windows.DAY, start, project, ARTIFACTS[a], TYPES[a], protocol, people));
      for (int kind : new int[] {Windows.WEEK, Windows.MONTH}) {
        long w = Windows.startOf(kind, start);
        // An agent with window secrets sends its week and month sketches; an older one sends none,
        // and then the window has no unique figure (never the union of its days, SPEC §11.9).
        if (windows) {
          Set<String> inWindow = new HashSet<>(people);
          inWindow.add(mirror.name() + "-w" + rnd.nextInt(3));
          b.addRows(TestMirror.row(kind == Windows.WEEK ? Granularity.WEEK : Granularity.MONTH, w, project, ARTIFACTS[a],
              TYPES[a], protocol, 0, 0, inWindow.toArray(String[]::new)));
          seen.add(new Seen(mirror.name(), kind, w, project, ARTIFACTS[a], TYPES[a], protocol, inWindow));
        }
      }
    }
    return b.build();
  }

  private static long[] expectedCounts(Range range, List<Counted> counted, Predicate<Counted> filter) {
    long[] out = new long[2];
    long from = Windows.unix(range.from());
    long to = Windows.unix(range.to());
    for (Counted c : counted) {
      if (filter.test(c) && c.day() >= from && c.day() < to) {
        out[0] += c.downloads();
        out[1] += c.bytes();
      }
    }
    return out;
  }

  /**
   * Downloads and bytes exactly; uniques as the sum over windows and mirrors (and over {@code
   * split}, the finer key a rollup sums over) of distinct people, within the sketches' error.
   */
  private static void expect(Totals t, Range range, List<Piece> pieces, List<Counted> counted, List<Seen> seen,
      Predicate<Counted> countFilter, Predicate<Seen> seenFilter, Function<Seen, String> split) {
    long[] counts = expectedCounts(range, counted, countFilter);
    assertThat(t.downloads()).isEqualTo(counts[0]);
    assertThat(t.bytes()).isEqualTo(counts[1]);
    long unique = 0;
    for (Piece p : pieces) {
      Map<String, Set<String>> groups = new HashMap<>();
      for (Seen s : seen) {
        if (s.kind() == p.kind() && s.start() == p.start() && seenFilter.test(s)) {
          groups.computeIfAbsent(s.mirror() + "\0" + split.apply(s), k -> new HashSet<>()).addAll(s.people());
        }
      }
      for (Set<String> g : groups.values()) {
        unique += g.size();
      }
    }
    assertThat((double) t.unique()).isCloseTo(unique, org.assertj.core.data.Offset.offset(1 + unique * 0.02));
    assertThat(t.window().windows()).isEqualTo(pieces.size());
  }
}
