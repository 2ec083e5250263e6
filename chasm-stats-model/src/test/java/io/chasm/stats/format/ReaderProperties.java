package io.chasm.stats.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.LogRecord.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Generate valid lines → parse → same fields; mutate or junk → a kind, never an exception. */
class ReaderProperties {
  record Req(String client, String method, String path, int status, long bytes, String agent,
      long epoch) {}

  static final DateTimeFormatter APACHE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  static final DateTimeFormatter SLASH =
      DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  @Provide
  Arbitrary<Req> requests() {
    Arbitrary<String> ip4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    Arbitrary<String> ip6 = Arbitraries.integers().between(0, 0xffff).list().ofSize(3)
        .map(l -> String.format("2001:db8:%x:%x::%x", l.get(0), l.get(1), l.get(2)));
    Arbitrary<String> seg = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789._-+~")
        .ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> path = seg.list().ofMinSize(1).ofMaxSize(6).map(l -> "/" + String.join("/", l));
    Arbitrary<String> agent = Arbitraries.strings().withCharRange(' ', '~').excludeChars('"', '\\')
        .ofMinLength(1).ofMaxLength(60);
    return Combinators.combine(Arbitraries.oneOf(ip4, ip6), Arbitraries.of("GET", "HEAD", "POST"),
        path, Arbitraries.integers().between(100, 599), Arbitraries.longs().between(0, 1L << 40),
        agent, Arbitraries.longs().between(0, 4_000_000_000L)).as(Req::new);
  }

  static LogRecord parse(LogReader r, String line) {
    LogRecord rec = new LogRecord();
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    r.parse(b, 0, b.length, rec);
    return rec;
  }

  static void same(LogRecord rec, Req q, boolean method, boolean agent) {
    assertThat(rec.kind).isEqualTo(Kind.REQUEST);
    assertThat(rec.client()).isEqualTo(q.client);
    assertThat(rec.path()).isEqualTo(q.path);
    assertThat(rec.bytes).isEqualTo(q.bytes);
    assertThat(rec.epochSecond).isEqualTo(q.epoch);
    if (method) {
      assertThat(rec.method()).isEqualTo(q.method);
      assertThat(rec.status).isEqualTo(q.status);
    }
    if (agent) {
      assertThat(rec.agent()).isEqualTo(q.agent);
    }
  }

  static String combined(Req q) {
    return q.client + " - - [" + APACHE.format(Instant.ofEpochSecond(q.epoch)) + "] \"" + q.method
        + " " + q.path + " HTTP/1.1\" " + q.status + " " + q.bytes + " \"-\" \"" + q.agent + "\"";
  }

  @Property(tries = 300)
  void combined_roundTrip(@ForAll("requests") Req q) {
    same(parse(ApacheLogFormatReader.combined(), combined(q)), q, true, true);
  }

  @Property(tries = 200)
  void json_roundTrip(@ForAll("requests") Req q) {
    String line = "{\"time_iso8601\":\"" + Instant.ofEpochSecond(q.epoch) + "\",\"remote_addr\":\""
        + q.client + "\",\"request_method\":\"" + q.method + "\",\"request_uri\":\"" + q.path
        + "\",\"status\":" + q.status + ",\"body_bytes_sent\":" + q.bytes
        + ",\"http_user_agent\":\"" + q.agent + "\"}";
    same(parse(new JsonAccessLogReader(), line), q, true, true);
  }

  @Property(tries = 200)
  void xferlog_roundTrip(@ForAll("requests") Req q) {
    String line = CTIME.format(Instant.ofEpochSecond(q.epoch)) + " 1 " + q.client + " " + q.bytes
        + " " + q.path + " b _ o a anonymous@ ftp 0 * c";
    same(parse(new XferlogReader(), line), q, false, false);
  }

  @Property(tries = 200)
  void vsftpd_roundTrip(@ForAll("requests") Req q) {
    String line = CTIME.format(Instant.ofEpochSecond(q.epoch)) + " [pid 7] [ftp] OK DOWNLOAD: Client \""
        + q.client + "\", \"" + q.path + "\", " + q.bytes + " bytes, 12.00Kbyte/sec";
    same(parse(new VsftpdLogReader(), line), q, false, false);
  }

  @Property(tries = 200)
  void rsyncd_roundTrip(@ForAll("requests") Req q) {
    String line = SLASH.format(Instant.ofEpochSecond(q.epoch)) + " [99] send host [" + q.client
        + "] mod () " + q.path.substring(1) + " " + q.bytes;
    LogRecord rec = parse(new RsyncdLogReader(), line);
    assertThat(rec.kind).isEqualTo(Kind.REQUEST);
    assertThat(rec.client()).isEqualTo(q.client);
    assertThat("/" + rec.path()).isEqualTo(q.path);
    assertThat(rec.bytes).isEqualTo(q.bytes);
    assertThat(rec.epochSecond).isEqualTo(q.epoch);
  }

  @Provide
  Arbitrary<LogReader> readers() {
    return Arbitraries.of(LogFormats.names()).map(LogFormats::byName);
  }

  static void wellBehaved(LogReader r, byte[] b, int s, int e) {
    LogRecord rec = new LogRecord();
    Kind k = r.parse(b, s, e, rec);
    assertThat(k).isNotNull().isEqualTo(rec.kind);
    if (k == Kind.REJECTED) {
      assertThat(rec.reason).isNotBlank();
    }
    if (k == Kind.REQUEST) {
      assertThat(rec.pathStart).isBetween(0, rec.pathEnd);
      assertThat(rec.pathEnd).isLessThanOrEqualTo(rec.buf.length);
      assertThat(rec.clientEnd).isLessThanOrEqualTo(rec.buf.length);
      assertThat(rec.bytes).isNotNegative();
    }
  }

  @Property(tries = 400)
  void mutatedLines_neverThrow(@ForAll("requests") Req q, @ForAll("readers") LogReader r,
      @ForAll @IntRange(min = 0, max = 400) int cut, @ForAll byte junk,
      @ForAll @IntRange(min = 0, max = 400) int at) {
    byte[] b = combined(q).getBytes(StandardCharsets.UTF_8);
    int e = Math.min(cut, b.length);
    wellBehaved(r, b, 0, e);
    byte[] m = b.clone();
    m[Math.min(at, m.length - 1)] = junk;
    wellBehaved(r, m, 0, m.length);
  }

  @Property(tries = 400)
  void truncatedValidLines_areRejectedNotMisread(@ForAll("requests") Req q,
      @ForAll @IntRange(min = 1, max = 20) int drop) {
    String line = combined(q);
    String cut = line.substring(0, Math.max(0, line.length() - drop));
    LogRecord rec = parse(ApacheLogFormatReader.combined(), cut);
    assertThat(rec.kind).isEqualTo(Kind.REJECTED);
  }

  @Property(tries = 500)
  void arbitraryBytes_neverThrow(@ForAll byte[] junk, @ForAll("readers") LogReader r) {
    wellBehaved(r, junk, 0, junk.length);
  }
}
