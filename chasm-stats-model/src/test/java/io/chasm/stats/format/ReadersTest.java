package io.chasm.stats.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.LogRecord.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadersTest {
  static LogRecord parse(LogReader r, String line) {
    LogRecord rec = new LogRecord();
    byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);
    r.parse(b, 2, b.length - 2, rec); // parse inside a larger buffer: offsets must be honoured
    return rec;
  }

  @Test
  void combined_allFields() {
    LogRecord r = parse(ApacheLogFormatReader.combined(),
        "203.0.113.9 - bob [17/May/2015:10:05:03 +0200] \"GET /debian/pool/a.deb?x=1 HTTP/1.1\" 200 1234 \"-\" \"Wget/1.21\"");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.client()).isEqualTo("203.0.113.9");
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/debian/pool/a.deb?x=1");
    assertThat(r.status).isEqualTo(200);
    assertThat(r.bytes).isEqualTo(1234);
    assertThat(r.agent()).isEqualTo("Wget/1.21");
    assertThat(r.epochSecond).isEqualTo(1431849903L);
  }

  @Test
  void combined_escapedQuoteInAgent_andTrailingFields() {
    LogRecord r = parse(ApacheLogFormatReader.combined(),
        "::1 - - [01/Jan/2024:00:00:00 +0000] \"GET /x HTTP/1.1\" 206 - \"-\" \"a \\\"b\\\" c\" \"198.51.100.7\"");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.agent()).isEqualTo("a \\\"b\\\" c");
    assertThat(r.bytes).isZero();
    assertThat(r.status).isEqualTo(206);
  }

  @Test
  void combined_unescapedQuotesInAgent() {
    LogRecord r = parse(ApacheLogFormatReader.combined(),
        "192.0.2.1 - - [24/Nov/2024:00:00:01 +0000] \"GET /a.whl HTTP/1.1\" 200 5 \"-\" \"pip/24.0 {\"python\":\"3.12.1\"}\"");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.agent()).isEqualTo("pip/24.0 {\"python\":\"3.12.1\"}");
  }

  @Test
  void common_and_vhost() {
    LogRecord c = parse(ApacheLogFormatReader.common(),
        "192.0.2.1 - - [24/Nov/2024:00:00:01 +0000] \"HEAD /a HTTP/1.0\" 304 -");
    assertThat(c.kind).isEqualTo(Kind.REQUEST);
    assertThat(c.method()).isEqualTo("HEAD");
    LogRecord v = parse(ApacheLogFormatReader.vhostCombined(),
        "ftp.example.org:443 192.0.2.1 - - [24/Nov/2024:00:00:01 +0000] \"GET /a.iso HTTP/2.0\" 200 99 \"-\" \"curl/8\"");
    assertThat(v.kind).isEqualTo(Kind.REQUEST);
    assertThat(v.module()).isEqualTo("ftp.example.org");
    assertThat(v.bytes).isEqualTo(99);
  }

  @Test
  void customLogFormat_withDurationAndSent() {
    LogReader r = LogFormats.byName(
        "logformat:%v %h %l %u %t \"%r\" %>s %b %O \"%{Referer}i\" \"%{User-Agent}i\" %D");
    LogRecord rec = parse(r, "mirror.example 192.0.2.5 - - [24/Nov/2024:10:00:00 +0000] \"GET /f.rpm HTTP/1.1\" 200 500 800 \"-\" \"libdnf\" 1234");
    assertThat(rec.kind).isEqualTo(Kind.REQUEST);
    assertThat(rec.bytes).isEqualTo(500); // %b wins over %O
    assertThat(rec.module()).isEqualTo("mirror.example");
    assertThat(rec.agent()).isEqualTo("libdnf");
  }

  @Test
  void logFormat_requiresTimeRequestStatus() {
    assertThatThrownBy(() -> LogFormats.byName("logformat:%h %b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs %t");
  }

  @Test
  void combined_rejectsBadLines() {
    LogReader r = ApacheLogFormatReader.combined();
    for (String bad : List.of("", "garbage", "1.2.3.4 - - [99/Foo/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 2000 1 \"-\" \"x\"",
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1x \"-\" \"x\"",
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"unterminated")) {
      LogRecord rec = parse(r, bad);
      assertThat(rec.kind).as(bad).isEqualTo(Kind.REJECTED);
      assertThat(rec.reason).isNotBlank();
    }
  }

  @Test
  void unparseableRequestLine_isARequestWithoutPath() {
    LogRecord rec = parse(ApacheLogFormatReader.combined(),
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"\\x16\\x03\" 400 226 \"-\" \"-\"");
    assertThat(rec.kind).isEqualTo(Kind.REQUEST);
    assertThat(rec.pathEnd).isEqualTo(rec.pathStart);
    assertThat(rec.status).isEqualTo(400);
  }

  @Test
  void json_nginx() {
    LogRecord r = parse(new JsonAccessLogReader(),
        "{\"time_iso8601\":\"2024-11-24T01:02:03+01:00\",\"remote_addr\":\"192.0.2.1\",\"request\":\"GET /a/b.iso HTTP/1.1\",\"status\":\"200\",\"body_bytes_sent\":\"42\",\"http_user_agent\":\"curl/8\"}");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.client()).isEqualTo("192.0.2.1");
    assertThat(r.path()).isEqualTo("/a/b.iso");
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.bytes).isEqualTo(42);
    assertThat(r.epochSecond).isEqualTo(1732406523L);
  }

  @Test
  void json_caddy() {
    LogRecord r = parse(new JsonAccessLogReader(),
        "{\"level\":\"info\",\"ts\":1732406400.5,\"logger\":\"http.log.access\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":\"2001:db8::1\",\"remote_port\":\"5000\",\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"m.example\",\"uri\":\"/x.tar.gz\",\"headers\":{\"User-Agent\":[\"Wget/1.0\"],\"Accept\":[\"*/*\"]}},\"bytes_read\":0,\"duration\":0.01,\"size\":1000,\"status\":200,\"resp_headers\":{}}");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.client()).isEqualTo("2001:db8::1");
    assertThat(r.path()).isEqualTo("/x.tar.gz");
    assertThat(r.agent()).isEqualTo("Wget/1.0");
    assertThat(r.module()).isEqualTo("m.example");
    assertThat(r.bytes).isEqualTo(1000);
    assertThat(r.epochSecond).isEqualTo(1732406400L);
  }

  @Test
  void json_overrides_and_nonRequestObjects() {
    LogReader r = LogFormats.byName("json:client=ip;path=url;time=when");
    LogRecord rec = parse(r, "{\"ip\":\"192.0.2.9\",\"url\":\"/p\",\"when\":\"2024-11-24T00:00:00Z\",\"status\":404}");
    assertThat(rec.kind).isEqualTo(Kind.REQUEST);
    assertThat(rec.client()).isEqualTo("192.0.2.9");
    assertThat(parse(r, "{\"msg\":\"server started\"}").kind).isEqualTo(Kind.NON_REQUEST);
    assertThat(parse(r, "{\"a\":").kind).isEqualTo(Kind.REJECTED);
    assertThatThrownBy(() -> LogFormats.byName("json:nosuch=x")).hasMessageContaining("nosuch");
  }

  @Test
  void xferlog() {
    LogRecord r = parse(new XferlogReader(),
        "Mon Nov  4 00:00:05 2024 3 192.0.2.4 1048576 /pub/my file.iso b _ o a anonymous@ ftp 0 * c");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.path()).isEqualTo("/pub/my file.iso");
    assertThat(r.client()).isEqualTo("192.0.2.4");
    assertThat(r.bytes).isEqualTo(1048576);
    assertThat(r.outgoing).isTrue();
    assertThat(r.complete).isTrue();
    assertThat(r.epochSecond).isEqualTo(1730678405L);
    LogRecord inc = parse(new XferlogReader(),
        "Mon Nov 04 00:00:05 2024 3 h 10 /a b _ i r u ftp 0 * i");
    assertThat(inc.outgoing).isFalse();
    assertThat(inc.complete).isFalse();
    assertThat(parse(new XferlogReader(), "Mon Nov 04 00:00:05 2024 3 h 10 /a b _ x r u ftp 0 * i").kind)
        .isEqualTo(Kind.REJECTED);
  }

  @Test
  void vsftpd() {
    VsftpdLogReader v = new VsftpdLogReader();
    LogRecord ok = parse(v, "Sun Nov 24 10:00:00 2024 [pid 1234] [ftp] OK DOWNLOAD: Client \"192.0.2.8\", \"/pub/a, b.iso\", 4096 bytes, 120.50Kbyte/sec");
    assertThat(ok.kind).isEqualTo(Kind.REQUEST);
    assertThat(ok.path()).isEqualTo("/pub/a, b.iso");
    assertThat(ok.bytes).isEqualTo(4096);
    assertThat(ok.complete).isTrue();
    LogRecord fail = parse(v, "Sun Nov 24 10:00:00 2024 [pid 1234] [ftp] FAIL DOWNLOAD: Client \"::ffff:192.0.2.8\", \"/pub/a.iso\", 100 bytes, 1.00Kbyte/sec");
    assertThat(fail.kind).isEqualTo(Kind.REQUEST);
    assertThat(fail.complete).isFalse();
    assertThat(parse(v, "Sun Nov 24 10:00:00 2024 [pid 1233] CONNECT: Client \"192.0.2.8\"").kind)
        .isEqualTo(Kind.NON_REQUEST);
    assertThat(parse(v, "Sun Nov 24 10:00:00 2024 [pid 1234] [ftp] OK LOGIN: Client \"192.0.2.8\", anon password \"x\"").kind)
        .isEqualTo(Kind.NON_REQUEST);
  }

  @Test
  void rsyncd_transfers_and_sessions() {
    RsyncdLogReader r = new RsyncdLogReader();
    LogRecord t = parse(r, "2024/11/24 00:00:01 [4242] send host.example [192.0.2.3] mirror () debian/pool/main/a b.deb 5000");
    assertThat(t.kind).isEqualTo(Kind.REQUEST);
    assertThat(t.client()).isEqualTo("192.0.2.3");
    assertThat(t.path()).isEqualTo("debian/pool/main/a b.deb");
    assertThat(t.module()).isEqualTo("mirror");
    assertThat(t.bytes).isEqualTo(5000);
    assertThat(t.outgoing).isTrue();
    assertThat(parse(r, "2024/11/24 00:00:01 [4242] recv h [192.0.2.3] incoming () up.txt 5").outgoing).isFalse();
    // per-file logging off: the session total counts once, for the module
    RsyncdLogReader s = new RsyncdLogReader();
    assertThat(parse(s, "2024/11/24 00:00:00 [77] connect from h.example (192.0.2.77)").kind).isEqualTo(Kind.NON_REQUEST);
    assertThat(parse(s, "2024/11/24 00:00:00 [77] rsync on fedora/linux/ from h.example (192.0.2.77)").kind).isEqualTo(Kind.NON_REQUEST);
    LogRecord tot = parse(s, "2024/11/24 00:05:00 [77] sent 123456 bytes  received 789 bytes  total size 99999999");
    assertThat(tot.kind).isEqualTo(Kind.REQUEST);
    assertThat(tot.session).isTrue();
    assertThat(tot.path()).isEqualTo("fedora");
    assertThat(tot.client()).isEqualTo("192.0.2.77");
    assertThat(tot.bytes).isEqualTo(123456);
    // a session that logged transfers is not counted again by its total
    RsyncdLogReader u = new RsyncdLogReader();
    parse(u, "2024/11/24 00:00:00 [78] rsync on fedora/ from h (192.0.2.78)");
    parse(u, "2024/11/24 00:00:00 [78] send h [192.0.2.78] fedora () x.rpm 10");
    assertThat(parse(u, "2024/11/24 00:05:00 [78] sent 10 bytes  received 1 bytes  total size 10").kind)
        .isEqualTo(Kind.NON_REQUEST);
  }

  @Test
  void rsyncd_customFormat() {
    LogReader r = LogFormats.byName("rsyncd:%o %a %m %f %b");
    LogRecord t = parse(r, "2024/11/24 00:00:01 [1] send 192.0.2.3 debian pool/x.deb 77");
    assertThat(t.kind).isEqualTo(Kind.REQUEST);
    assertThat(t.bytes).isEqualTo(77);
    assertThat(t.path()).isEqualTo("pool/x.deb");
  }

  @Test
  void gitDaemon() {
    GitDaemonLogReader g = new GitDaemonLogReader(2024);
    assertThat(parse(g, "Nov 26 06:00:00 host git-daemon[123]: Connection from 192.0.2.10:50000").kind)
        .isEqualTo(Kind.NON_REQUEST);
    LogRecord r = parse(g, "Nov 26 06:00:01 host git-daemon[123]: Request upload-pack for '/pub/scm/git.git'");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.client()).isEqualTo("192.0.2.10");
    assertThat(r.path()).isEqualTo("/pub/scm/git.git");
    assertThat(r.protocol).isEqualTo(LogRecord.Protocol.GIT);
    assertThat(r.epochSecond).isEqualTo(1732600801L);
    assertThat(parse(g, "Nov 26 06:00:01 host sshd[9]: Accepted publickey").kind).isEqualTo(Kind.NON_REQUEST);
    LogRecord iso = parse(g, "2024-11-26T06:00:02+00:00 host git-daemon[5]: Request upload-pack for '/r.git'");
    assertThat(iso.kind).isEqualTo(Kind.REQUEST);
    assertThat(iso.clientEnd).isEqualTo(iso.clientStart);
  }
}
