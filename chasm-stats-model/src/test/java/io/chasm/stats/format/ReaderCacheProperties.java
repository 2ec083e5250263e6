package io.chasm.stats.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The xferlog, vsftpd, rsyncd and git daemon readers parse a line's time through a cache of the last minute
 * (w5-R). On any sequence of lines (most in the same minute as the one before, some across a
 * minute, hour, day or year, some with a damaged time or field), each gives the same record as the
 * reader before the cache (the {@code Legacy*} copies), field by field, and keeps the same
 * sessions.
 */
class ReaderCacheProperties {
  /** One line: seconds after the previous line, its kind, and an optional damaged byte. */
  record Line(int step, int kind, int pid, String client, String path, long bytes, int at, byte to) {}

  @Provide
  Arbitrary<Line> lines() {
    Arbitrary<String> seg = Arbitraries.strings().withChars("abcdefz0129._-+ é").ofMinLength(1).ofMaxLength(10);
    return Combinators.combine(
        Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, Arbitraries.integers().between(0, 2)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(3, 120)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(3_000, 40_000_000)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-90, -1))),
        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(1, 4),
        Arbitraries.of("1.2.3.4", "2001:db8::1", "10.0.0.7"),
        seg.list().ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("/", l)),
        Arbitraries.longs().between(0, 1L << 40),
        Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 40)),
        Arbitraries.of((byte) '0', (byte) '5', (byte) '6', (byte) '9', (byte) ' ', (byte) ':',
            (byte) '/', (byte) 'x', (byte) 0, (byte) 0xc3))
        .as((step, kind, pid, client, path, bytes, at, to) -> new Line(step, kind, pid, client, path, bytes, at, to));
  }

  @Property(tries = 300)
  void xferlog_sameAsBefore(@ForAll @Size(max = 80) List<@From("lines") Line> lines) {
    same(XferlogReader::new, LegacyXferlogReader::new, render(lines, (t, l) ->
        ReaderProperties.CTIME.format(t) + " 3 " + l.client + " " + l.bytes + " " + l.path
        + " b _ " + (l.kind == 5 ? "i" : "o") + " a anonymous@ ftp 0 * " + (l.kind == 4 ? "i" : "c")));
  }

  @Property(tries = 300)
  void vsftpd_sameAsBefore(@ForAll @Size(max = 80) List<@From("lines") Line> lines) {
    same(VsftpdLogReader::new, LegacyVsftpdLogReader::new, render(lines, (t, l) ->
        ReaderProperties.CTIME.format(t) + " [pid " + l.pid + "] " + (l.kind == 5 ? "CONNECT: Client \"" + l.client + "\""
        : "[ftp] " + (l.kind == 4 ? "FAIL" : "OK") + " DOWNLOAD: Client \"" + l.client + "\", \"" + l.path
        + "\", " + l.bytes + " bytes, 10.00Kbyte/sec")));
  }

  @Property(tries = 300)
  void rsyncd_sameAsBefore(@ForAll @Size(max = 80) List<@From("lines") Line> lines) {
    same(RsyncdLogReader::new, LegacyRsyncdLogReader::new, render(lines, (t, l) -> {
      String head = ReaderProperties.SLASH.format(t) + " [" + l.pid + "] ";
      return switch (l.kind) {
        case 3 -> head + "connect from host (" + l.client + ")";
        case 4 -> head + "rsync on mod" + l.pid + "/x from host (" + l.client + ")";
        case 5 -> head + "sent " + l.bytes + " bytes  received 1 bytes  total size " + l.bytes;
        default -> head + "send host [" + l.client + "] mod () " + l.path.substring(1) + " " + l.bytes;
      };
    }));
  }

  private static final java.time.format.DateTimeFormatter SYSLOG = java.time.format.DateTimeFormatter
      .ofPattern("MMM ppd HH:mm:ss", java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC);

  @Property(tries = 300)
  void gitDaemon_sameAsBefore(@ForAll @Size(max = 80) List<@From("lines") Line> lines) {
    same(() -> new GitDaemonLogReader(2024), () -> new LegacyGitDaemonLogReader(2024), render(lines, (t, l) -> {
      String head = (l.kind == 2 ? t.toString() : SYSLOG.format(t)) + " host git-daemon[" + l.pid + "]: ";
      return switch (l.kind) {
        case 3, 5 -> head + "Connection from " + l.client + ":9418";
        case 4 -> head + "Request receive-pack for '" + l.path + "'";
        default -> head + "Request upload-pack for '" + l.path + "'";
      };
    }));
  }

  @Test
  void generatedLogs_sameAsBefore() throws IOException {
    same(XferlogReader::new, LegacyXferlogReader::new, resource("generated/xferlog"));
    same(RsyncdLogReader::new, LegacyRsyncdLogReader::new, resource("generated/rsyncd.log"));
  }

  private static List<byte[]> resource(String name) throws IOException {
    try (InputStream in = ReaderCacheProperties.class.getResourceAsStream(name)) {
      List<byte[]> out = new ArrayList<>();
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        out.add(l.getBytes(StandardCharsets.UTF_8));
      }
      assertThat(out).hasSizeGreaterThan(100);
      return out;
    }
  }

  private static List<byte[]> render(List<Line> lines, java.util.function.BiFunction<Instant, Line, String> f) {
    long t = 1_732_406_400L + 59 - 3;
    List<byte[]> out = new ArrayList<>();
    for (Line l : lines) {
      t = Math.max(0, t + l.step);
      byte[] b = f.apply(Instant.ofEpochSecond(t), l).getBytes(StandardCharsets.UTF_8);
      if (l.at >= 0 && l.at < b.length) {
        b[l.at] = l.to;
      }
      out.add(b);
    }
    return out;
  }

  private static void same(Supplier<LogReader> now, Supplier<LogReader> before, List<byte[]> lines) {
    LogReader a = now.get(), b = before.get();
    long offset = 0;
    for (byte[] line : lines) {
      // Inside a larger buffer, as the scan passes them.
      byte[] buf = new byte[line.length + 20];
      System.arraycopy(line, 0, buf, 7, line.length);
      a.offset(offset);
      b.offset(offset);
      LogRecord ra = new LogRecord(), rb = new LogRecord();
      a.parse(buf, 7, 7 + line.length, ra);
      b.parse(buf, 7, 7 + line.length, rb);
      assertThat(describe(ra)).as(new String(line, StandardCharsets.UTF_8)).isEqualTo(describe(rb));
      offset += line.length + 1;
      assertThat(a.sessionsSince()).isEqualTo(b.sessionsSince());
    }
  }

  private static String describe(LogRecord r) {
    return r.kind + " " + r.reason + " " + r.epochSecond + " " + r.protocol + " " + r.status + " "
        + r.bytes + " " + r.complete + " " + r.outgoing + " " + r.session + " [" + r.client() + "] ["
        + r.path() + "] [" + r.module() + "] [" + r.method() + "] [" + r.agent() + "]";
  }
}
