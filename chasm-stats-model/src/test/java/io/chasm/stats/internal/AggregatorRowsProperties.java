package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.format.LogFormats;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * A worker's HOUR rows hold exactly each (hour, artifact)'s downloads, bytes and bot requests,
 * whatever the order of the lines' hours (a worker remembers each artifact's rows of its latest
 * two hours and makes a row without a probe for a later hour, w7-B, or for one between them,
 * w8-A) and wherever a step ends; it makes one row per (hour, artifact, protocol) and step, never
 * two, also when an artifact comes with two protocols (the remembered rows are per artifact).
 */
class AggregatorRowsProperties {
  private static final long T0 = 1732406400L; // 2024-11-24 00:00 UTC

  @Property(tries = 200)
  void hourRowsCountEachHourAndArtifact(@ForAll @IntRange(min = 0, max = 2000) int lines,
      @ForAll @IntRange(min = 1, max = 40) int artifacts, @ForAll @IntRange(min = 1, max = 30) int hours,
      @ForAll @IntRange(min = 0, max = 100) int backInTimePercent,
      @ForAll @IntRange(min = 0, max = 30) int ftpPercent,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random rnd = new Random(seed);
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32]);
    Aggregator agg = new Aggregator(ClassificationRules.defaults(), secrets);
    LogReader reader = LogFormats.byName("combined");
    LogRecord rec = new LogRecord();
    Map<String, long[]> expected = new HashMap<>();
    Map<String, long[]> got = new HashMap<>();
    int drainAt = rnd.nextInt(lines + 1);
    long hour = 0;
    java.util.Set<String> stepRows = new java.util.HashSet<>();
    for (int i = 0; i < lines; i++) {
      if (i == drainAt) {
        assertThat(agg.rowsMade()).isEqualTo(stepRows.size());
        stepRows.clear();
        drain(agg, got);
      }
      // Mostly forward in time, sometimes back to an earlier hour (lines of two hours interleave).
      hour = rnd.nextInt(100) < backInTimePercent ? rnd.nextInt(hours)
          : Math.min(hours - 1, hour + (rnd.nextInt(4) == 0 ? 1 : 0));
      long t = T0 + hour * 3600 + rnd.nextInt(3600);
      String path = "/pool/p" + rnd.nextInt(artifacts) + ".iso";
      int status = new int[] {200, 200, 206, 404}[rnd.nextInt(4)];
      boolean bot = rnd.nextInt(5) == 0;
      long size = 1 + rnd.nextInt(1000);
      java.time.ZonedDateTime z = java.time.Instant.ofEpochSecond(t).atZone(java.time.ZoneOffset.UTC);
      String line = String.format(java.util.Locale.ROOT,
          "10.0.%d.%d - - [%02d/Nov/2024:%02d:%02d:%02d +0000] \"GET %s HTTP/1.1\" %d %d \"-\" \"%s\"",
          rnd.nextInt(4), rnd.nextInt(250), z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond(),
          path, status, size, bot ? "Googlebot/2.1" : "curl/8");
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      assertThat(reader.parse(b, 0, b.length, rec)).isEqualTo(LogRecord.Kind.REQUEST);
      // The same artifact over FTP now and then (as a scan of an access log and an xferlog
      // sees it): FTP has no status rule, bots or ranges; a complete transfer is a download.
      boolean ftp = rnd.nextInt(100) < ftpPercent;
      if (ftp) {
        rec.protocol = LogRecord.Protocol.FTP;
        rec.complete = status == 200;
        rec.outgoing = true;
      }
      assertThat(agg.accept(rec)).isNull();
      if (status == 404 && !ftp) {
        continue;
      }
      String proto = rec.protocol.label();
      stepRows.add(Math.floorDiv(t, 3600) + " " + path + " " + proto);
      long[] e = expected.computeIfAbsent(Math.floorDiv(t, 3600) * 3600 + " " + path + " " + proto,
          k -> new long[3]);
      if (bot && !ftp) {
        e[2]++;
      } else {
        e[1] += size;
        e[0] += status == 200 ? 1 : 0;
      }
    }
    assertThat(agg.rowsMade()).isEqualTo(stepRows.size());
    drain(agg, got);
    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      assertThat(got.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
    }
  }

  private static void drain(Aggregator agg, Map<String, long[]> into) {
    StatsDelta delta = new StatsDelta(true);
    agg.drainInto(delta, new RangeTracker());
    for (StatsRow r : delta.rows()) {
      if (r.granularity == StatsRow.Granularity.HOUR) {
        long[] c = into.computeIfAbsent(r.periodStart + " " + r.artifact + " " + r.protocol,
            k -> new long[3]);
        c[0] += r.downloads();
        c[1] += r.bytes();
        c[2] += r.botRequests();
      }
    }
  }
}
