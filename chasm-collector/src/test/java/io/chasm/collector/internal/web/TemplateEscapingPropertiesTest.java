package io.chasm.collector.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.FreshnessBoard.Entry;
import io.chasm.collector.StatsReader.ArtifactRow;
import io.chasm.collector.StatsReader.Countme;
import io.chasm.collector.StatsReader.Page;
import io.chasm.collector.StatsReader.Point;
import io.chasm.collector.StatsReader.ProjectSummary;
import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.StatsReader.Slice;
import io.chasm.collector.StatsReader.Totals;
import io.chasm.collector.StatsReader.UniqueWindow;
import io.chasm.collector.internal.web.Views.TopRow;
import io.chasm.collector.model.Mirror;
import io.chasm.hashtree.sign.Ed25519;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every template, fed a name that is markup (project, artifact, type, protocol, mirror,
 * repository, countme label, search term, error message), prints it escaped: each place the value
 * shows up, between two marker characters, holds no raw {@code < > " '}, no {@code &} that does
 * not start an entity, and unescapes to exactly the value. Where a value goes into a URL it is
 * percent-encoded first, and so never shows up raw at all.
 */
class TemplateEscapingPropertiesTest {
  static final char MARK = '\u2603';
  static final Totals SHOWN = new Totals(12L, 3400L, 7L, false, new UniqueWindow("day", "2026-03-01", 1));
  static final Totals WITHHELD = new Totals(null, null, null, true, new UniqueWindow("week", "2026-W09", 1));
  static final Mirror MIRROR_TEMPLATE = new Mirror(1, "x", Ed25519.generate().publicKey(), Optional.empty(), 0,
      Optional.empty(), 1_770_000_000L, 3);

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> any = Arbitraries.strings().withChars("<>&\"'=/;#x ")
        .withCharRange('a', 'z').withCharRange('\u00e0', '\u00ff').ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> known = Arbitraries.of("<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
        "' onmouseover='alert(1)", "&amp;&lt;", "</title><script>", "a&b", "javascript:alert(1)", "]]><!--");
    return Arbitraries.oneOf(any, known);
  }

  @Property(tries = 150)
  void everyDynamicValue_isEscapedInEveryPage(@ForAll("names") String s) {
    pages(MARK + s + MARK).forEach((page, html) -> assertEscaped(page, html, s));
  }

  @Example
  void theCheckItself_catchesRawValues() {
    String m = String.valueOf(MARK);
    for (String[] bad : new String[][] {{"<p>" + m + "<b>" + m + "</p>", "<b>"},
        {"<a title=\"" + m + "x\" onclick=\"y" + m + "\">", "x\" onclick=\"y"}, {"<a title=" + m + "x" + m + ">", "x"},
        {"<p>" + m + "a&b" + m + "</p>", "a&b"}, {"<p>" + m + "a" + m + "</p>", "b"}}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertEscaped("raw", bad[0], bad[1]))
          .as(bad[0]).isInstanceOf(AssertionError.class);
    }
    assertEscaped("escaped", "<p title=\"" + m + "a&quot;b" + m + "\">" + m + "a\"b" + m + "</p>", "a\"b");
  }

  static Map<String, String> pages(String v) {
    Map<String, String> out = new LinkedHashMap<>();
    Range all = new Range(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 2));
    List<Slice> slices = List.of(new Slice(v, SHOWN), new Slice(v, WITHHELD));
    BarChart chart = BarChart.downloads("downloads-chart",
        List.of(new Point("2026-02-28", SHOWN), new Point("2026-03-01", WITHHELD)));
    Mirror mirror = new Mirror(1, v, MIRROR_TEMPLATE.publicKey(), Optional.of(v), 0, Optional.empty(), 1_770_000_000L, 3);
    List<Entry> entries = List.of(new Entry(v, v, 40, 1_770_000_000L, 1_770_000_100L, 1_770_000_100L, 42, 2, 3600, true, v),
        new Entry(v, v, 42, 1_770_000_000L, 1_770_000_100L, 1_770_000_100L, 42, 0, 3600, false, ""));

    out.put("home", Pages.render("home.jte", Map.of("projects", List.of(new ProjectSummary(v, SHOWN, 3)),
        "top", List.of(new TopRow(v, new ArtifactRow(v, v, SHOWN))), "all", all, "week", all, "downloads", 12L,
        "bytes", 3400L, "mirrors", 1, "threshold", 5)));
    Map<String, Object> project = new HashMap<>();
    project.put("project", v);
    project.put("period", "all");
    project.put("interval", "day");
    project.put("totals", SHOWN);
    project.put("chart", chart);
    project.put("q", v);
    project.put("page", new Page<>(List.of(new ArtifactRow(v, v, SHOWN), new ArtifactRow(v, v, WITHHELD)), 60, 25, 25));
    project.put("pageSize", 25);
    project.put("byType", slices);
    project.put("byProtocol", slices);
    project.put("byMirror", slices);
    project.put("countme", List.of(new Countme(v, 1, v, 9L), new Countme(v, 2, v, null)));
    project.put("threshold", 5);
    out.put("project", Pages.render("project.jte", project));
    Map<String, Object> artifact = new HashMap<>(project);
    artifact.put("path", v);
    out.put("artifact", Pages.render("artifact.jte", Map.of("project", v, "path", v, "period", "week", "totals", SHOWN,
        "chart", chart, "byMirror", slices, "byProtocol", slices, "threshold", 5)));
    out.put("slice", Pages.render("slice.jte", Map.of("project", v, "dimension", "type", "value", v, "period", "month",
        "totals", WITHHELD, "chart", chart, "threshold", 5)));
    out.put("mirrors", Pages.render("mirrors.jte", Map.of("mirrors", List.of(mirror))));
    out.put("mirror", Pages.render("mirror.jte", Map.of("mirror", mirror, "period", "all",
        "chart", BarChart.downloads("downloads-chart", List.of(new Point("2026-02-28", SHOWN)), true),
        "reports", entries, "threshold", 5)));
    out.put("freshness", Pages.render("freshness.jte", Map.of("entries", entries, "staleAfterHours", 24L,
        "now", 1_770_003_600L)));
    out.put("error", Pages.render("error.jte", Map.of("status", 400, "message", v)));
    return out;
  }

  /** Where a character of the page stands, as far as breaking out of it goes. */
  enum Context { TEXT, TAG, DOUBLE_QUOTED, SINGLE_QUOTED }

  static void assertEscaped(String page, String html, String value) {
    int shown = 0;
    Context ctx = Context.TEXT;
    int open = -1;
    for (int i = 0; i < html.length(); i++) {
      char c = html.charAt(i);
      if (c == MARK) {
        if (open < 0) {
          open = i;
          assertThat(ctx).as("%s: a value printed inside a tag without quotes at %d", page, i)
              .isNotEqualTo(Context.TAG);
          continue;
        }
        String seg = html.substring(open + 1, i);
        char forbidden = switch (ctx) {
          case TEXT -> '<';
          case DOUBLE_QUOTED -> '"';
          case SINGLE_QUOTED -> '\'';
          case TAG -> throw new AssertionError(page + ": a value broke out of its attribute: " + seg);
        };
        assertThat(seg).as("%s: raw %s in %s (%s)", page, forbidden, seg, ctx).doesNotContain(String.valueOf(forbidden));
        String rest = seg.replaceAll("&(lt|gt|amp|quot|#39|#x27|#34|#x22);", "");
        assertThat(rest).as("%s: a bare & in %s", page, seg).doesNotContain("&");
        assertThat(unescape(seg)).as(page).isEqualTo(value);
        shown++;
        open = -1;
        continue;
      }
      ctx = switch (ctx) {
        case TEXT -> c == '<' ? Context.TAG : ctx;
        case TAG -> c == '"' ? Context.DOUBLE_QUOTED : c == '\'' ? Context.SINGLE_QUOTED : c == '>' ? Context.TEXT : ctx;
        case DOUBLE_QUOTED -> c == '"' ? Context.TAG : ctx;
        case SINGLE_QUOTED -> c == '\'' ? Context.TAG : ctx;
      };
    }
    assertThat(open).as("%s: a marker without its pair", page).isNegative();
    assertThat(shown).as("%s shows the value", page).isPositive();
  }

  static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#34;", "\"")
        .replace("&#x22;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&");
  }
}
