package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.format.LogFormats;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * A worker's WEEK and MONTH rows: one per (window, artifact) and step, each with exactly the
 * distinct clients of its window, whatever the order of the lines' days (a worker remembers each
 * artifact's row of its latest week and month and probes its map only for an earlier window or
 * a second protocol, w8-A) and wherever a step ends.
 */
class WindowSketchesProperties {
  private static final long T0 = 1732406400L; // 2024-11-24 00:00 UTC, a Sunday
  private static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  @Property(tries = 200)
  void oneRowPerWindowWithItsClients(@ForAll @IntRange(min = 0, max = 1500) int lines,
      @ForAll @IntRange(min = 1, max = 12) int artifacts, @ForAll @IntRange(min = 1, max = 80) int days,
      @ForAll @IntRange(min = 0, max = 100) int backInTimePercent,
      @ForAll @IntRange(min = 0, max = 30) int ftpPercent,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random rnd = new Random(seed);
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32]);
    Aggregator agg = new Aggregator(ClassificationRules.defaults(), secrets);
    LogReader reader = LogFormats.byName("combined");
    LogRecord rec = new LogRecord();
    Map<String, Set<Integer>> expected = new HashMap<>();
    int drainAt = rnd.nextInt(lines + 1);
    long day = 0;
    for (int i = 0; i < lines; i++) {
      if (i == drainAt) {
        check(agg, expected);
        expected.clear();
      }
      // Mostly forward in time, sometimes back to any earlier day.
      day = rnd.nextInt(100) < backInTimePercent ? rnd.nextInt(days)
          : Math.min(days - 1, day + (rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(9) : 0));
      long t = T0 + day * 86400 + rnd.nextInt(86400);
      String path = "/pool/p" + rnd.nextInt(artifacts) + ".iso";
      int client = rnd.nextInt(12);
      ZonedDateTime z = Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC);
      String line = "10.0.0." + client + " - - [" + CLF.format(z) + "] \"GET " + path
          + " HTTP/1.1\" 200 " + (1 + rnd.nextInt(1000)) + " \"-\" \"curl/8\"";
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      assertThat(reader.parse(b, 0, b.length, rec)).isEqualTo(LogRecord.Kind.REQUEST);
      if (rnd.nextInt(100) < ftpPercent) { // the same artifact over FTP now and then
        rec.protocol = LogRecord.Protocol.FTP;
        rec.complete = true;
        rec.outgoing = true;
      }
      assertThat(agg.accept(rec)).isNull();
      String proto = " " + rec.protocol.label();
      LocalDate d = z.toLocalDate();
      long week = d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toEpochDay() * 86400;
      long month = d.withDayOfMonth(1).toEpochDay() * 86400;
      expected.computeIfAbsent("WEEK " + week + " " + path + proto, k -> new HashSet<>()).add(client);
      expected.computeIfAbsent("MONTH " + month + " " + path + proto, k -> new HashSet<>()).add(client);
    }
    check(agg, expected);
  }

  // Drains the step and checks its WEEK and MONTH rows: their keys, that none was made twice, and
  // each one's unique figure (a dozen clients at most: the sketch's list and set modes are exact).
  private static void check(Aggregator agg, Map<String, Set<Integer>> expected) {
    assertThat(agg.windowRowsMade()).isEqualTo(expected.size());
    StatsDelta delta = new StatsDelta(true);
    agg.drainInto(delta, new RangeTracker());
    Map<String, Long> got = new HashMap<>();
    for (int i = 0; i < delta.size(); i++) {
      StatsRow.Granularity g = delta.granularity(i);
      if (g == StatsRow.Granularity.WEEK || g == StatsRow.Granularity.MONTH) {
        got.put(g + " " + delta.periodStart(i) + " " + delta.artifact(i) + " " + delta.protocol(i),
            delta.uniqueEstimate(i));
      }
    }
    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<String, Set<Integer>> e : expected.entrySet()) {
      assertThat(got.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().size());
    }
  }
}
