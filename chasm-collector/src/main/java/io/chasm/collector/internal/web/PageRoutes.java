package io.chasm.collector.internal.web;

import io.chasm.collector.CollectorStore;
import io.chasm.collector.FreshnessBoard;
import io.chasm.collector.StatsReader;
import io.chasm.collector.StatsReader.By;
import io.chasm.collector.StatsReader.Interval;
import io.chasm.collector.StatsReader.Point;
import io.chasm.collector.StatsReader.ProjectSummary;
import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.StatsReader.Slice;
import io.chasm.collector.StatsReader.Totals;
import io.chasm.collector.StatsReader.UniqueWindow;
import io.chasm.collector.model.Mirror;
import io.chasm.collector.internal.web.Views.TopRow;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The website: gathers each page's figures from the read model and hands them to its template
 * ({@code src/main/jte}, rendered by {@link Pages}), which escapes everything it prints.
 */
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
    app.get("/projects/{project}/type/{value}", ctx -> slice(ctx, By.TYPE));
    app.get("/projects/{project}/protocol/{value}", ctx -> slice(ctx, By.PROTOCOL));
    app.get("/mirrors", this::mirrors);
    app.get("/mirrors/{mirror}", this::mirror);
    app.get("/freshness", this::freshness);
  }

  private void home(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range week = r.latestWeek();
    Range all = Ranges.all(r);
    List<ProjectSummary> projects = r.projects(all);
    long dl = 0;
    long by = 0;
    List<TopRow> top = new ArrayList<>();
    for (ProjectSummary p : projects) {
      if (!p.totals().suppressed()) {
        dl += p.totals().downloads();
        by += p.totals().bytes();
      }
      r.topArtifacts(p.project(), week, null, 0, 10).items().stream().filter(a -> !a.totals().suppressed())
          .forEach(a -> top.add(new TopRow(p.project(), a)));
    }
    top.sort(Comparator.comparingLong((TopRow t) -> t.row().totals().downloads()).reversed());
    Map<String, Object> m = new HashMap<>();
    m.put("projects", projects);
    m.put("top", top.subList(0, Math.min(10, top.size())));
    m.put("all", all);
    m.put("week", week);
    m.put("downloads", dl);
    m.put("bytes", by);
    m.put("mirrors", store.mirrors().size());
    m.put("threshold", r.privacyThreshold());
    Pages.render(ctx, 200, "home.jte", m);
  }

  private void project(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    String project = ctx.pathParam("project");
    String period = periodParam(ctx);
    Range range = Ranges.parse(null, null, period, r);
    String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
    int offset = Math.max(0, ApiRoutes.intParam(ctx, "offset", 0));
    var page = r.topArtifacts(project, range, q, offset, PAGE_SIZE);
    if (page.total() == 0 && q.isEmpty() && r.projects(Ranges.all(r)).stream().noneMatch(p -> p.project().equals(project))) {
      Pages.error(ctx, 404, "No project " + project);
      return;
    }
    Interval interval = Interval.forRange(range);
    Map<String, Object> m = new HashMap<>();
    m.put("project", project);
    m.put("period", period);
    m.put("interval", interval.name().toLowerCase(Locale.ROOT));
    m.put("totals", r.totals(project, Optional.empty(), range));
    m.put("chart", BarChart.downloads("downloads-chart", r.series(project, Optional.empty(), interval, range)));
    m.put("q", q);
    m.put("page", page);
    m.put("pageSize", PAGE_SIZE);
    m.put("byType", r.breakdown(project, Optional.empty(), By.TYPE, range));
    m.put("byProtocol", r.breakdown(project, Optional.empty(), By.PROTOCOL, range));
    m.put("byMirror", r.breakdown(project, Optional.empty(), By.MIRROR, range));
    m.put("countme", r.countme(project, range));
    m.put("threshold", r.privacyThreshold());
    Pages.render(ctx, 200, "project.jte", m);
  }

  private void artifact(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    String project = ctx.pathParam("project");
    String path = ctx.queryParam("path");
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("path is required");
    }
    String period = periodParam(ctx);
    Range range = Ranges.parse(null, null, period, r);
    Optional<String> a = Optional.of(path);
    Map<String, Object> m = new HashMap<>();
    m.put("project", project);
    m.put("path", path);
    m.put("period", period);
    m.put("totals", r.totals(project, a, range));
    m.put("chart", BarChart.downloads("downloads-chart", r.series(project, a, Interval.forRange(range), range)));
    m.put("byMirror", r.breakdown(project, a, By.MIRROR, range));
    m.put("byProtocol", r.breakdown(project, a, By.PROTOCOL, range));
    m.put("threshold", r.privacyThreshold());
    Pages.render(ctx, 200, "artifact.jte", m);
  }

  /** One type's or one protocol's downloads in a project: totals and their series. */
  private void slice(Context ctx, By by) throws SQLException {
    StatsReader r = store.reader();
    String project = ctx.pathParam("project");
    String value = ctx.pathParam("value");
    String period = periodParam(ctx);
    Range range = Ranges.parse(null, null, period, r);
    String dimension = by.name().toLowerCase(Locale.ROOT);
    if (r.breakdown(project, Optional.empty(), by, Ranges.all(r)).stream().noneMatch(s -> s.key().equals(value))) {
      Pages.error(ctx, 404, "No downloads of " + dimension + " " + value + " in project " + project);
      return;
    }
    Optional<Slice> slice = r.breakdown(project, Optional.empty(), by, range).stream()
        .filter(s -> s.key().equals(value)).findFirst();
    Map<String, Object> m = new HashMap<>();
    m.put("project", project);
    m.put("dimension", dimension);
    m.put("value", value);
    m.put("period", period);
    m.put("totals", slice.map(Slice::totals).orElseGet(() -> nothing(r, range)));
    m.put("chart", BarChart.downloads("downloads-chart", r.sliceSeries(project, by, value, Interval.forRange(range), range)));
    m.put("threshold", r.privacyThreshold());
    Pages.render(ctx, 200, "slice.jte", m);
  }

  private void mirrors(Context ctx) throws SQLException {
    Pages.render(ctx, 200, "mirrors.jte", Map.of("mirrors", store.mirrors()));
  }

  private void mirror(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Optional<Mirror> found = store.mirror(ctx.pathParam("mirror"));
    if (found.isEmpty()) {
      Pages.error(ctx, 404, "No mirror " + ctx.pathParam("mirror"));
      return;
    }
    Mirror mirror = found.get();
    String period = periodParam(ctx);
    Range range = Ranges.parse(null, null, period, r);
    List<Point> series = r.mirrorSeries(mirror.name(), Interval.forRange(range), range);
    Map<String, Object> m = new HashMap<>();
    m.put("mirror", mirror);
    m.put("period", period);
    m.put("chart", BarChart.downloads("downloads-chart", series, true));
    m.put("reports", store.freshness().entries(Instant.now(), FreshnessBoard.DEFAULT_STALE_AFTER).stream()
        .filter(e -> e.mirror().equals(mirror.name())).toList());
    m.put("threshold", r.privacyThreshold());
    Pages.render(ctx, 200, "mirror.jte", m);
  }

  /** The figures of a cell with no downloads in the range: withheld, as any cell below the threshold. */
  private static Totals nothing(StatsReader r, Range range) {
    UniqueWindow w = new UniqueWindow("day", range.from().toString(), 0);
    return r.privacyThreshold() > 0 ? new Totals(null, null, null, true, w) : new Totals(0L, 0L, 0L, false, w);
  }

  private void freshness(Context ctx) throws SQLException {
    long hours = ApiRoutes.intParam(ctx, "stale-after", (int) FreshnessBoard.DEFAULT_STALE_AFTER.toHours());
    if (hours < 1) {
      throw new IllegalArgumentException("stale-after must be a number of hours, 1 or more");
    }
    Instant now = Instant.now();
    Map<String, Object> m = new HashMap<>();
    m.put("entries", store.freshness().entries(now, Duration.ofHours(hours)));
    m.put("staleAfterHours", hours);
    m.put("now", now.getEpochSecond());
    Pages.render(ctx, 200, "freshness.jte", m);
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
}
