package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * The xferlog, vsftpd, rsyncd and git daemon readers take a line's time from a {@link StampCache}
 * instead of their full stamp parser; the readers are otherwise unchanged, so the cache must give
 * exactly what the full parser gives, on any sequence of stamps: most in the minute of the one
 * before, some across a minute, hour, day or year, some going back, some with a damaged byte, all
 * inside a larger buffer at an offset, as the scan passes them.
 */
class StampCacheProperties {
  static final DateTimeFormatter CTIME = stamps("EEE MMM dd HH:mm:ss yyyy");
  static final DateTimeFormatter SLASH = stamps("yyyy/MM/dd HH:mm:ss");
  static final DateTimeFormatter SYSLOG = stamps("MMM ppd HH:mm:ss");

  /** One stamp: seconds after the previous one, and an optional damaged byte. */
  record Stamp(int step, int at, byte to) {}

  @Provide
  Arbitrary<Stamp> stamps() {
    return Combinators.combine(
        Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.integers().between(0, 2)),
            Tuple.of(2, Arbitraries.integers().between(3, 120)),
            Tuple.of(1, Arbitraries.integers().between(3_000, 40_000_000)),
            Tuple.of(1, Arbitraries.integers().between(-90, -1))),
        Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 24)),
        Arbitraries.of((byte) '0', (byte) '5', (byte) '6', (byte) '9', (byte) ' ', (byte) ':',
            (byte) '/', (byte) 'x', (byte) 0, (byte) 0xc3))
        .as(Stamp::new);
  }

  @Property(tries = 400)
  void ctime_xferlogAndVsftpd(@ForAll @Size(max = 120) List<@From("stamps") Stamp> stamps) {
    same(new StampCache(24, 17, Bytes::ctime), Bytes::ctime, CTIME, stamps);
  }

  @Property(tries = 400)
  void slashTime_rsyncd(@ForAll @Size(max = 120) List<@From("stamps") Stamp> stamps) {
    same(new StampCache(19, 17, Bytes::slashTime), Bytes::slashTime, SLASH, stamps);
  }

  @Property(tries = 400)
  void syslogTime_gitDaemon(@ForAll @Size(max = 120) List<@From("stamps") Stamp> stamps) {
    StampCache.Parser full = (b, s, e) -> Bytes.syslogTime(b, s, e, 2024);
    same(new StampCache(15, 13, full), full, SYSLOG, stamps);
  }

  private static void same(StampCache cache, StampCache.Parser full, DateTimeFormatter format, List<Stamp> stamps) {
    long t = 1_732_406_400L + 59 - 3;
    for (Stamp st : stamps) {
      t = Math.max(0, t + st.step);
      byte[] stamp = format.format(Instant.ofEpochSecond(t)).getBytes(StandardCharsets.US_ASCII);
      if (st.at >= 0 && st.at < stamp.length) {
        stamp[st.at] = st.to;
      }
      byte[] buf = new byte[stamp.length + 20];
      System.arraycopy(stamp, 0, buf, 7, stamp.length);
      long expected = full.parse(buf, 7, 7 + stamp.length);
      assertThat(cache.parse(buf, 7, 7 + stamp.length))
          .as(new String(stamp, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }
  }

  private static DateTimeFormatter stamps(String pattern) {
    return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).withZone(ZoneOffset.UTC);
  }
}
