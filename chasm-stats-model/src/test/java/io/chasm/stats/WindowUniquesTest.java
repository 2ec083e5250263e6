package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.internal.PeriodSecrets;
import io.chasm.stats.internal.StateFile;
import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.scan.StepSeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-window secrets: a client that comes back every day of a week is one downloader of the week
 * and of the month, and one of each day; the secrets of a window outlive steps and runs while the
 * window is open and are gone from the state once it closes.
 */
class WindowUniquesTest {
  @TempDir Path dir;

  static final long MONDAY = 1_793_577_600L; // 2026-11-02T00:00Z, ISO week 2026-W45

  static String line(String client, long t, String path) {
    java.time.ZonedDateTime z = java.time.Instant.ofEpochSecond(t).atZone(java.time.ZoneOffset.UTC);
    return String.format("%s - - [%02d/Nov/2026:%02d:%02d:%02d +0000] \"GET %s HTTP/1.1\" 200 1000 \"-\" \"apt\"\n",
        client, z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond(), path);
  }

  /** Client A on each of the seven days, client B on Wednesday only; padding lines by C..Z make steps. */
  static String week() {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < 7; d++) {
      long t = MONDAY + d * 86400L + 3600;
      sb.append(line("198.51.100.7", t, "/debian/pool/a.deb"));
      if (d == 2) {
        sb.append(line("198.51.100.8", t + 60, "/debian/pool/a.deb"));
      }
    }
    return sb.toString();
  }

  LogScanner.Result scan(Path state, List<StatsDelta> sink, long stepBytes, Path log) throws IOException {
    LogScanner.Options o = new LogScanner.Options();
    o.stateDir = state;
    o.threads = 2;
    o.stepBytes = stepBytes;
    o.seeds = StepSeeds.derivedFrom(new byte[] {7});
    return new LogScanner(o).scan(List.of(log), sink == null ? null : sink::add);
  }

  static Map<String, Long> figures(LogScanner.Result r) {
    Map<String, Long> m = new TreeMap<>();
    for (WindowUniques u : r.uniques) {
      m.merge(u.window().jsonName() + " " + u.label(), u.uniqueDownloaders(), Long::sum);
    }
    return m;
  }

  /** Unique estimate of the union of the batches' rows of one granularity. */
  static long union(List<StatsDelta> batches, StatsRow.Granularity g) {
    Union u = new Union(StatsRow.LG_K);
    for (StatsDelta d : batches) {
      for (StatsRow r : d.rows()) {
        if (r.granularity == g && r.uniques() != null) {
          u.update(r.uniques());
        }
      }
    }
    return Math.round(u.getCompositeEstimate());
  }

  @Test
  void oneClientOnSevenDays_countsOnceInTheWeekAndMonth_sevenTimesInTheDailySum() throws IOException {
    Path log = dir.resolve("access.log");
    Files.writeString(log, week());
    LogScanner.Result r = scan(null, null, 64L << 20, log);
    Map<String, Long> f = figures(r);
    assertThat(f).containsEntry("week 2026-W45", 2L).containsEntry("month 2026-11", 2L);
    long daily = r.uniques.stream().filter(u -> u.window() == Window.DAY)
        .mapToLong(WindowUniques::uniqueDownloaders).sum();
    assertThat(daily).isEqualTo(8); // A on seven days, B on one
    assertThat(r.uniques.stream().filter(u -> u.window() == Window.DAY)).hasSize(7);
    // The artifact's own month figure.
    assertThat(r.summary.rows()).filteredOn(x -> x.granularity == StatsRow.Granularity.MONTH)
        .singleElement().satisfies(x -> {
          assertThat(x.uniqueEstimate()).isEqualTo(2);
          assertThat(x.periodStart).isEqualTo(Window.MONTH.start(Window.MONTH.indexOfDay(MONDAY / 86400)));
        });
  }

  @Test
  void batches_carryWeekAndMonthRows_withOnlyTheirSketches_acrossStepsAndRuns() throws IOException {
    Path log = dir.resolve("access.log");
    Path state = dir.resolve("state");
    String all = week();
    int half = all.indexOf("\n", all.length() / 2) + 1;
    Files.writeString(log, all.substring(0, half));
    List<StatsDelta> batches = new ArrayList<>();
    // One line per step, and a second run for the rest of the week: the week's and month's
    // secrets must come back from the state file.
    scan(state, batches, 1, log);
    Files.writeString(log, all.substring(half), StandardOpenOption.APPEND);
    scan(state, batches, 1, log);
    assertThat(batches.size()).isGreaterThanOrEqualTo(8);
    assertThat(union(batches, StatsRow.Granularity.WEEK)).isEqualTo(2);
    assertThat(union(batches, StatsRow.Granularity.MONTH)).isEqualTo(2);
    long daySum = 0;
    long dayDownloads = 0;
    for (StatsDelta d : batches) {
      for (StatsRow row : d.rows()) {
        if (row.granularity == StatsRow.Granularity.DAY) {
          daySum += row.uniqueEstimate();
          dayDownloads += row.downloads();
        }
        if (row.granularity == StatsRow.Granularity.WEEK || row.granularity == StatsRow.Granularity.MONTH) {
          assertThat(row.downloads() + row.bytes() + row.botRequests()).isZero();
          assertThat(row.uniques()).isNotNull();
        }
        if (row.granularity == StatsRow.Granularity.WEEK) {
          assertThat(row.periodStart).isEqualTo(MONDAY);
        }
      }
    }
    assertThat(daySum).isEqualTo(8);
    assertThat(dayDownloads).isEqualTo(8);
  }

  @Test
  void secretsOfClosedWindows_leaveTheState() throws IOException {
    Path log = dir.resolve("access.log");
    Path state = dir.resolve("state");
    Files.writeString(log, week());
    scan(state, new ArrayList<>(), 1, log);
    StateFile s = StateFile.load(state.resolve("state.bin"));
    long weekIndex = Window.WEEK.indexOfDay(MONDAY / 86400);
    long month = Window.MONTH.indexOfDay(MONDAY / 86400);
    assertThat(s.secrets).containsKey(new PeriodSecrets.Key(Window.WEEK, weekIndex))
        .containsKey(new PeriodSecrets.Key(Window.MONTH, month));
    // Two days past the week's end: the week closes (and its days), the month stays open.
    Files.writeString(log, line("198.51.100.9", MONDAY + 9 * 86400L, "/debian/pool/b.deb"),
        StandardOpenOption.APPEND);
    scan(state, new ArrayList<>(), 1, log);
    s = StateFile.load(state.resolve("state.bin"));
    assertThat(s.secrets.keySet()).noneMatch(k -> k.window() == Window.WEEK && k.index() == weekIndex)
        .noneMatch(k -> k.window() == Window.DAY && k.index() < MONDAY / 86400 + 7)
        .contains(new PeriodSecrets.Key(Window.MONTH, month));
  }

  @Test
  void secretsDiffer_betweenWindowsOfTheSameStep() {
    PeriodSecrets p = new PeriodSecrets(0);
    p.seed(new byte[32]);
    long day = MONDAY / 86400;
    byte[] d = p.secret(Window.DAY, day);
    byte[] w = p.secret(Window.WEEK, Window.WEEK.indexOfDay(day));
    byte[] m = p.secret(Window.MONTH, Window.MONTH.indexOfDay(day));
    assertThat(d).isNotEqualTo(w).isNotEqualTo(m);
    assertThat(w).isNotEqualTo(m);
    byte[] kept = w;
    p.closeBefore(Window.WEEK.lastDay(Window.WEEK.indexOfDay(day)) + 1);
    assertThat(kept).containsOnly(0); // zeroed, not just dropped
    assertThat(p.secret(Window.WEEK, Window.WEEK.indexOfDay(day))).isNull();
    assertThat(p.secret(Window.MONTH, Window.MONTH.indexOfDay(day))).isNotNull();
  }
}
