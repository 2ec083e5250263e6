package io.chasm.collector;

import static io.chasm.collector.TestMirror.day;
import static io.chasm.collector.TestMirror.people;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.server.CollectorServer;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages as HTML over HTTP: escaping, privacy, not-found. (The browser test drives them.) */
class PagesTest {
  static final String EVIL = "/x/<script>alert(1)</script>\".iso";
  @TempDir static Path dir;
  static CollectorServer server;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = CollectorServer.start(CollectorConfig.defaults(dir).withListen("127.0.0.1", 0));
    TestMirror m = new TestMirror("m<b>");
    server.store().enrol("m1", m.publicKey(), Optional.empty());
    TestMirror m1 = new TestMirror("m1");
    server.store().enrol("m2", m1.publicKey(), Optional.empty());
    server.store().ingest(m1.signed(TestMirror.windowed(new TestMirror("m2").batch("1").setMirrorId("m2")
        .addRows(day(LocalDate.of(2026, 3, 1), "proj", EVIL, "iso", 9, 900, people("e", 9)))
        .addRows(day(LocalDate.of(2026, 3, 1), "proj", "/secret-few.iso", "iso", 2, 200, people("f", 2)))
        .addCountme(io.chasm.wire.proto.stats.CountmeRow.newBuilder().setProject("proj").setAgeBucket(1).setLabel("f40")
            .setWeekStart(LocalDate.of(2026, 2, 23).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond()).setSystems(123))
        .addCountme(io.chasm.wire.proto.stats.CountmeRow.newBuilder().setProject("proj").setAgeBucket(2).setLabel("f40")
            .setWeekStart(LocalDate.of(2026, 2, 23).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond()).setSystems(3)))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pages_escapeArtifactPaths() throws Exception {
    for (String page : new String[] {"", "projects/proj",
        "projects/proj/artifact?path=" + URLEncoder.encode(EVIL, StandardCharsets.UTF_8)}) {
      HttpResponse<String> r = get(page);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.body()).as(page).doesNotContain("<script>").contains("&lt;script&gt;");
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    }
  }

  @Test
  void pages_withholdFiguresBelowTheThreshold() throws Exception {
    String body = get("projects/proj?q=secret").body();
    assertThat(body).contains("/secret-few.iso").contains("&lt; 5 downloaders").doesNotContain(">200 B<");
  }

  @Test
  void pages_badParameter_isAnHtml400_withoutScriptAllowed() throws Exception {
    HttpResponse<String> r = get("projects/proj?period=%3Cb%3E");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.body()).contains("period must be");
    assertThat(get("").headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'");
  }

  @Test
  void projectPage_showsCountmeWithSmallCountsWithheld() throws Exception {
    String body = get("projects/proj?period=all").body();
    assertThat(body).contains("<table id=\"countme\">").contains(">123<").contains("&lt; 5").doesNotContain(">3</td></tr>");
  }

  @Test
  void pages_unknownProjectOrMirror_is404() throws Exception {
    assertThat(get("projects/nope").statusCode()).isEqualTo(404);
    assertThat(get("mirrors/nope").statusCode()).isEqualTo(404);
    assertThat(get("mirrors/m2").body()).contains("Mirror m2");
  }

  @Test
  void typeAndProtocolViews_chartTheirDownloads_andUnknownValuesAre404() throws Exception {
    HttpResponse<String> type = get("projects/proj/type/iso?period=all");
    assertThat(type.statusCode()).isEqualTo(200);
    assertThat(type.body()).contains("proj: type iso").contains("<svg id=\"downloads-chart\"")
        .contains("<rect class=\"bar\"").contains("11 downloads");
    assertThat(get("projects/proj/protocol/http").body()).contains("proj: protocol http").contains("11 downloads");
    assertThat(get("projects/proj").body()).contains("href=\"/projects/proj/type/iso\"")
        .contains("href=\"/projects/proj/protocol/http\"");
    assertThat(get("projects/proj/type/deb").statusCode()).isEqualTo(404);
    assertThat(get("projects/proj/protocol/%3Cscript%3E").body()).doesNotContain("<script>").contains("&lt;script&gt;");
  }

  @Test
  void uniqueFigures_sayTheirWindow_crossMirrorAsASum_oneMirrorAsItsOwn() throws Exception {
    assertThat(get("projects/proj?period=all").body()).contains("sum over mirrors of 1 day figure from 2026-03-01");
    assertThat(get("mirrors/m2?period=all").body()).contains("this mirror&#39;s 1 day figure from 2026-03-01")
        .doesNotContain("sum over mirrors");
  }
}
