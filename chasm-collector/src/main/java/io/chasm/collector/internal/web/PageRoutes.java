package io.chasm.collector.internal.web;

import static io.chasm.collector.internal.web.Html.TOTALS_HEAD;
import static io.chasm.collector.internal.web.Html.esc;
import static io.chasm.collector.internal.web.Html.totalsCells;
import static io.chasm.collector.internal.web.Html.url;

import io.chasm.collector.CollectorStore;
import io.chasm.collector.model.Mirror;
import io.chasm.collector.StatsReader;
import io.chasm.collector.StatsReader.ArtifactRow;
import io.chasm.collector.StatsReader.By;
import io.chasm.collector.StatsReader.Interval;
import io.chasm.collector.StatsReader.Point;
import io.chasm.collector.StatsReader.ProjectSummary;
import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.StatsReader.Slice;
import io.chasm.collector.StatsReader.Totals;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The website: server-rendered HTML pages with charts drawn as inline SVG. */
public final class PageRoutes {
  private static final int PAGE_SIZE = 25;

  private final CollectorStore store;

  public PageRoutes(CollectorStore store) {
    this.store = store;
  }

  public void register(Javalin app) {
    app.get("/", this::home);
    app.get("/projects/{project}", this::project);
    app.get("/projects/{project}/artifact", this::artifact);
    app.get("/mirrors", this::mirrors);
    app.get("/mirrors/{mirror}", this::mirror);
  }

  private StatsReader reader() {
    return store.reader();
  }

  private void home(Context ctx) throws SQLException {
    StatsReader r = reader();
    Range week = r.latestWeek();
    Range all = Ranges.all(r);
    List<ProjectSummary> projects = r.projects(all);
    StringBuilder b = new StringBuilder("<h1>Downloads from the mirrors</h1>");
    long dl = 0;
    long by = 0;
    for (ProjectSummary p : projects) {
      if (!p.totals().suppressed()) {
        dl += p.totals().downloads();
        by += p.totals().bytes();
      }
    }
    b.append("<div class=kpis><div class=kpi><span class=muted>Projects</span><b>").append(projects.size())
        .append("</b></div><div class=kpi><span class=muted>Downloads</span><b id=total-downloads>").append(Html.count(dl))
        .append("</b></div><div class=kpi><span class=muted>Bytes served</span><b>").append(Html.bytes(by))
        .append("</b></div><div class=kpi><span class=muted>Mirrors</span><b>").append(store.mirrors().size())
        .append("</b></div></div>");
    b.append("<p class=muted>All data: ").append(all.from()).append(" to ").append(all.to().minusDays(1)).append(" (UTC)</p>");
    b.append("<h2>Projects</h2><div class=card><table id=projects><thead><tr><th>Project</th><th class=num>Artifacts</th>")
        .append(TOTALS_HEAD).append("</tr></thead><tbody>");
    for (ProjectSummary p : projects) {
      b.append("<tr><td><a href=\"/projects/").append(url(p.project())).append("\">").append(esc(p.project()))
          .append("</a></td><td class=num>").append(p.artifacts()).append("</td>")
          .append(totalsCells(p.totals(), r.privacyThreshold())).append("</tr>");
    }
    if (projects.isEmpty()) {
      b.append("<tr><td colspan=5 class=muted>No statistics yet: enrol a mirror and submit batches.</td></tr>");
    }
    b.append("</tbody></table></div>");
    List<String[]> top = new ArrayList<>();
    List<ArtifactRow> rows = new ArrayList<>();
    for (ProjectSummary p : projects) {
      for (ArtifactRow a : r.topArtifacts(p.project(), week, null, 0, 10).items()) {
        if (!a.totals().suppressed()) {
          rows.add(a);
          top.add(new String[] {p.project()});
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong((Integer i) -> rows.get(i).totals().downloads()).reversed());
    b.append("<h2>Top downloads this week</h2><p class=muted>").append(week.from()).append(" to ")
        .append(week.to().minusDays(1)).append(", the latest seven days with data</p><div class=card><table id=top-week>")
        .append("<thead><tr><th>Artifact</th><th>Project</th>").append(TOTALS_HEAD).append("</tr></thead><tbody>");
    for (int k = 0; k < Math.min(10, order.size()); k++) {
      ArtifactRow a = rows.get(order.get(k));
      String project = top.get(order.get(k))[0];
      b.append("<tr><td class=path>").append(artifactLink(project, a.artifact())).append("</td><td>")
          .append(esc(project)).append("</td>").append(totalsCells(a.totals(), r.privacyThreshold())).append("</tr>");
    }
    b.append("</tbody></table></div>");
    ctx.html(Html.page("Home", b.toString()));
  }

  private void project(Context ctx) throws SQLException {
    StatsReader r = reader();
    String project = ctx.pathParam("project");
    String period = periodParam(ctx);
    Range range = Ranges.parse(null, null, period, r);
    Totals totals = r.totals(project, Optional.empty(), range);
    String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
    int offset = Math.max(0, ApiRoutes.intParam(ctx, "offset", 0));
    var page = r.topArtifacts(project, range, q, offset, PAGE_SIZE);
    if (page.total() == 0 && q.isEmpty() && r.projects(Ranges.all(r)).stream().noneMatch(p -> p.project().equals(project))) {
      ctx.status(404).html(Html.page("Not found", "<h1>No project " + esc(project) + "</h1><p><a href=\"/\">Home</a></p>"));
      return;
    }
    String base = "/projects/" + url(project);
    StringBuilder b = new StringBuilder("<h1>").append(esc(project)).append("</h1>");
    b.append(periodNav(base, period));
    b.append(kpis(totals, r.privacyThreshold()));
    List<Point> series = r.series(project, Optional.empty(), interval(range), range);
    b.append("<h2>Downloads over time</h2><div class=card>").append(SvgChart.downloads("downloads-chart", series))
        .append("<p class=muted>Per ").append(interval(range).name().toLowerCase()).append(". <a href=\"/api/v1/projects/")
        .append(url(project)).append("/series?format=csv&amp;period=").append(period).append("\">CSV</a></p></div>");
    b.append("<h2>Top artifacts</h2><div class=card><form class=search method=get action=\"").append(base)
        .append("\"><input type=hidden name=period value=\"").append(period).append("\"><input id=search type=search name=q value=\"")
        .append(esc(q)).append("\" placeholder=\"Filter by path\" aria-label=\"Filter artifacts by path\">")
        .append("<button type=submit>Search</button></form>");
    b.append("<table id=artifacts><thead><tr><th>Artifact</th><th>Type</th>").append(TOTALS_HEAD).append("</tr></thead><tbody>");
    for (ArtifactRow a : page.items()) {
      b.append("<tr><td class=path>").append(artifactLink(project, a.artifact())).append("</td><td>").append(esc(a.type()))
          .append("</td>").append(totalsCells(a.totals(), r.privacyThreshold())).append("</tr>");
    }
    if (page.items().isEmpty()) {
      b.append("<tr><td colspan=5 class=muted>No artifact matches.</td></tr>");
    }
    b.append("</tbody></table><div class=pager><span class=muted>").append(page.total() == 0 ? 0 : offset + 1).append('–')
        .append(offset + page.items().size()).append(" of ").append(page.total()).append("</span><span>");
    String qs = "?period=" + period + (q.isEmpty() ? "" : "&amp;q=" + url(q));
    if (offset > 0) {
      b.append("<a rel=prev href=\"").append(base).append(qs).append("&amp;offset=").append(Math.max(0, offset - PAGE_SIZE))
          .append("\">← Previous</a> ");
    }
    if (offset + PAGE_SIZE < page.total()) {
      b.append("<a rel=next href=\"").append(base).append(qs).append("&amp;offset=").append(offset + PAGE_SIZE)
          .append("\">Next →</a>");
    }
    b.append("</span></div><p class=muted><a href=\"/api/v1/projects/").append(url(project))
        .append("/artifacts?format=csv&amp;limit=500&amp;period=").append(period).append("\">CSV</a></p></div>");
    b.append("<div class=grid>");
    b.append(breakdown("By type", "by-type", r.breakdown(project, Optional.empty(), By.TYPE, range), null, r));
    b.append(breakdown("By protocol", "by-protocol", r.breakdown(project, Optional.empty(), By.PROTOCOL, range), null, r));
    b.append(breakdown("By mirror", "by-mirror", r.breakdown(project, Optional.empty(), By.MIRROR, range), "/mirrors/", r));
    b.append("</div>");
    List<StatsReader.Countme> countme = r.countme(project, range);
    if (!countme.isEmpty()) {
      b.append("<h2>Active systems (DNF countme)</h2><div class=card><table id=countme><thead><tr><th>Week</th>"
          + "<th class=num>Age bucket</th><th>Label</th><th class=num>Systems</th></tr></thead><tbody>");
      for (StatsReader.Countme cm : countme) {
        b.append("<tr><td>").append(esc(cm.week())).append("</td><td class=num>").append(cm.ageBucket())
            .append("</td><td>").append(esc(cm.label())).append("</td><td class=\"num").append(cm.systems() == null ? " sup\">&lt; "
                + r.privacyThreshold() : "\">" + Html.count(cm.systems())).append("</td></tr>");
      }
      b.append("</tbody></table></div>");
    }
    ctx.html(Html.page(project, b.toString()));
  }

  private void artifact(Context ctx) throws SQLException {
    StatsReader r = reader();
    String project = ctx.pathParam("project");
    String path = ctx.queryParam("path");
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("path is required");
    }
    String period = periodParam(ctx);
    Range range = Ranges.parse(null, null, period, r);
    Optional<String> a = Optional.of(path);
    StringBuilder b = new StringBuilder("<p class=muted><a href=\"/projects/").append(url(project)).append("\">")
        .append(esc(project)).append("</a></p><h1>").append(esc(path)).append("</h1>");
    b.append(periodNav("/projects/" + url(project) + "/artifact?path=" + url(path), period));
    b.append(kpis(r.totals(project, a, range), r.privacyThreshold()));
    b.append("<h2>Downloads over time</h2><div class=card>")
        .append(SvgChart.downloads("downloads-chart", r.series(project, a, interval(range), range))).append("</div>");
    b.append("<div class=grid>");
    b.append(breakdown("By mirror", "by-mirror", r.breakdown(project, a, By.MIRROR, range), "/mirrors/", r));
    b.append(breakdown("By protocol", "by-protocol", r.breakdown(project, a, By.PROTOCOL, range), null, r));
    b.append("</div>");
    ctx.html(Html.page(path, b.toString()));
  }

  private void mirrors(Context ctx) throws SQLException {
    StringBuilder b = new StringBuilder("<h1>Mirrors</h1><div class=card><table id=mirrors><thead><tr><th>Mirror</th>"
        + "<th>Project</th><th>Last submission</th><th class=num>Batches</th><th>Status</th></tr></thead><tbody>");
    for (Mirror m : store.mirrors()) {
      b.append("<tr><td><a href=\"/mirrors/").append(url(m.name())).append("\">").append(esc(m.name())).append("</a></td><td>")
          .append(esc(m.project().orElse("all"))).append("</td><td>").append(when(m.lastBatchUnix())).append("</td><td class=num>")
          .append(m.batches()).append("</td><td>").append(m.revoked() ? "revoked" : "active").append("</td></tr>");
    }
    b.append("</tbody></table></div>");
    ctx.html(Html.page("Mirrors", b.toString()));
  }

  private void mirror(Context ctx) throws SQLException {
    StatsReader r = reader();
    Optional<Mirror> found = store.mirror(ctx.pathParam("mirror"));
    if (found.isEmpty()) {
      ctx.status(404).html(Html.page("Not found", "<h1>No mirror " + esc(ctx.pathParam("mirror")) + "</h1>"));
      return;
    }
    Mirror m = found.get();
    String period = periodParam(ctx);
    Range range = Ranges.parse(null, null, period, r);
    List<Point> series = r.mirrorSeries(m.name(), interval(range), range);
    StringBuilder b = new StringBuilder("<h1>Mirror ").append(esc(m.name())).append("</h1>");
    b.append("<div class=kpis><div class=kpi><span class=muted>Last submission</span><b id=last-submission>")
        .append(when(m.lastBatchUnix())).append("</b></div><div class=kpi><span class=muted>Batches</span><b>")
        .append(m.batches()).append("</b></div><div class=kpi><span class=muted>Project</span><b>")
        .append(esc(m.project().orElse("all"))).append("</b></div><div class=kpi><span class=muted>Status</span><b>")
        .append(m.revoked() ? "revoked" : "active").append("</b></div></div>");
    b.append(periodNav("/mirrors/" + url(m.name()), period));
    b.append("<h2>Volumes</h2><div class=card>").append(SvgChart.downloads("downloads-chart", series))
        .append("<table id=volumes><thead><tr><th>Period</th>").append(TOTALS_HEAD).append("</tr></thead><tbody>");
    for (int i = series.size() - 1; i >= 0; i--) {
      Point p = series.get(i);
      b.append("<tr><td>").append(esc(p.period())).append("</td>").append(totalsCells(p.totals(), r.privacyThreshold()))
          .append("</tr>");
    }
    b.append("</tbody></table></div><p class=muted>Key ").append(esc(m.publicKey().keyId().hex())).append("</p>");
    ctx.html(Html.page("Mirror " + m.name(), b.toString()));
  }

  private static String breakdown(String title, String id, List<Slice> slices, String linkBase, StatsReader r) {
    StringBuilder b = new StringBuilder("<div><h2>").append(title).append("</h2><div class=card><table id=").append(id)
        .append("><thead><tr><th></th>").append(TOTALS_HEAD).append("</tr></thead><tbody>");
    for (Slice s : slices) {
      String key = linkBase == null ? esc(s.key()) : "<a href=\"" + linkBase + url(s.key()) + "\">" + esc(s.key()) + "</a>";
      b.append("<tr><td>").append(key).append("</td>").append(totalsCells(s.totals(), r.privacyThreshold())).append("</tr>");
    }
    if (slices.isEmpty()) {
      b.append("<tr><td colspan=4 class=muted>No data.</td></tr>");
    }
    return b.append("</tbody></table></div></div>").toString();
  }

  private static String kpis(Totals t, int threshold) {
    if (t.suppressed()) {
      return "<p class=sup id=totals>Fewer than " + threshold + " unique downloaders in this period: figures withheld for privacy.</p>";
    }
    return "<div class=kpis id=totals><div class=kpi><span class=muted>Downloads</span><b id=downloads>" + Html.count(t.downloads())
        + "</b></div><div class=kpi><span class=muted>Bytes</span><b>" + Html.bytes(t.bytes())
        + "</b></div><div class=kpi><span class=muted>Unique downloaders</span><b id=unique>" + Html.count(t.unique())
        + "</b><span class=muted id=unique-window>" + esc(Html.windowNote(t)) + "</span></div></div>";
  }

  private static String periodNav(String base, String current) {
    String sep = base.contains("?") ? "&amp;" : "?";
    StringBuilder b = new StringBuilder("<nav class=periods>");
    for (String p : new String[] {"week", "month", "year", "all"}) {
      if (p.equals(current)) {
        b.append("<strong>").append(p).append("</strong> ");
      } else {
        b.append("<a href=\"").append(base).append(sep).append("period=").append(p).append("\">").append(p).append("</a> ");
      }
    }
    return b.append("</nav>").toString();
  }

  private static String periodParam(Context ctx) {
    String p = ctx.queryParam("period");
    if (p == null || p.isBlank()) {
      return "all";
    }
    if (!List.of("day", "week", "month", "year", "all").contains(p)) {
      throw new IllegalArgumentException("period must be day, week, month, year or all");
    }
    return p;
  }

  /** Hourly bars for a day, daily up to three months, then weekly, then monthly. */
  private static Interval interval(Range range) {
    long days = ChronoUnit.DAYS.between(range.from(), range.to());
    if (days <= 2) {
      return Interval.HOUR;
    }
    return days <= 92 ? Interval.DAY : days <= 731 ? Interval.WEEK : Interval.MONTH;
  }

  private static String artifactLink(String project, String artifact) {
    return "<a href=\"/projects/" + url(project) + "/artifact?path=" + url(artifact) + "\">" + esc(artifact) + "</a>";
  }

  private static String when(long unix) {
    return unix == 0 ? "never" : Instant.ofEpochSecond(unix).toString().replace('T', ' ').replace("Z", " UTC");
  }
}
