package io.chasm.collector.internal.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.CollectorStore;
import io.chasm.collector.FreshnessBoard;
import io.chasm.collector.model.IngestOutcome;
import io.chasm.collector.model.Mirror;
import io.chasm.collector.StatsReader;
import io.chasm.collector.StatsReader.By;
import io.chasm.collector.StatsReader.Interval;
import io.chasm.collector.StatsReader.Point;
import io.chasm.collector.StatsReader.Range;
import io.chasm.collector.StatsReader.Slice;
import io.chasm.collector.StatsReader.Totals;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JSON/CSV API under {@code /api/v1}, described by {@code openapi.yaml}. */
public final class ApiRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

  private final CollectorStore store;
  private final int maxBatchBytes;

  /** Response headers of a read answered from rollups that lack a backlog of pending batches. */
  public static final String AS_OF = "X-Chasm-As-Of";
  public static final String PENDING = "X-Chasm-Pending-Batches";
  private static final String BACKLOG = "chasm.backlog";

  public ApiRoutes(CollectorStore store, int maxBatchBytes) {
    this.store = store;
    this.maxBatchBytes = maxBatchBytes;
  }

  public static JavalinJackson jsonMapper() {
    ObjectMapper m = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    return new JavalinJackson(m, false);
  }

  public void register(Javalin app) {
    app.post("/api/v1/batches", this::submit);
    app.get("/api/v1/projects", this::projects);
    app.get("/api/v1/projects/{project}", this::project);
    app.get("/api/v1/projects/{project}/artifacts", this::artifacts);
    app.get("/api/v1/projects/{project}/series", this::series);
    app.get("/api/v1/projects/{project}/breakdown", this::breakdown);
    app.get("/api/v1/projects/{project}/countme", this::countme);
    app.get("/api/v1/mirrors", this::mirrors);
    app.get("/api/v1/mirrors/{mirror}/series", this::mirrorSeries);
    app.get("/api/v1/freshness", this::freshness);
    app.get("/api/v1/openapi.yaml", ctx -> {
      try (InputStream in = ApiRoutes.class.getResourceAsStream("/io/chasm/collector/openapi.yaml")) {
        ctx.contentType("application/yaml").result(in.readAllBytes());
      }
    });
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(SQLException.class, (e, ctx) -> {
      LOG.warn("database error on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      error(ctx, 503, "database unavailable, retry later");
    });
    app.before(ctx -> store.backlog().ifPresent(b -> ctx.attribute(BACKLOG, b)));
    app.after(ctx -> {
      CollectorStore.Backlog behind = store.backlog().orElse(ctx.attribute(BACKLOG));
      if (behind != null && ctx.method() == HandlerType.GET) {
        // The answer is the rollups as they were at the last roll: say so, and how much is missing.
        ctx.header(AS_OF, Instant.ofEpochMilli(behind.asOfMillis()).truncatedTo(ChronoUnit.SECONDS).toString());
        ctx.header(PENDING, String.valueOf(behind.pendingBatches()));
      }
      ctx.header("X-Content-Type-Options", "nosniff");
      if (!ctx.path().startsWith("/api/")) {
        // The pages carry no script and load nothing from elsewhere; say so to the browser.
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'");
        ctx.header("Referrer-Policy", "no-referrer");
      }
    });
  }

  private void submit(Context ctx) throws IOException, SQLException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBatchBytes) {
      error(ctx, 413, "batch larger than " + maxBatchBytes + " bytes");
      return;
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes(maxBatchBytes + 1);
    }
    if (body.length > maxBatchBytes) {
      error(ctx, 413, "batch larger than " + maxBatchBytes + " bytes");
      return;
    }
    try {
      IngestOutcome o = store.ingest(body);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("batch_id", o.batchIdHex());
      r.put("duplicate", o.duplicate());
      r.put("rows_counted", o.rowsCounted());
      r.put("rows_dropped", o.rowsDropped());
      ctx.status(o.duplicate() ? 200 : 201).json(r);
    } catch (BatchRejectedException e) {
      LOG.info("batch refused ({}): {}", e.reason(), e.getMessage());
      if (e.reason() == BatchRejectedException.Reason.BUSY) {
        ctx.header("Retry-After", String.valueOf(CollectorStore.RETRY_AFTER_SECONDS));
      }
      error(ctx, e.reason().httpStatus(), e.getMessage());
    }
  }

  private void projects(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range range = range(ctx, r);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (var p : r.projects(range)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("project", p.project());
      m.put("artifacts", p.artifacts());
      putTotals(m, p.totals());
      rows.add(m);
    }
    if (csv(ctx)) {
      Csv.write(ctx, "projects.csv", List.of("project", "artifacts", "downloads", "bytes", "unique", "suppressed", "unique_window", "unique_start"), rows);
      return;
    }
    ctx.json(envelope(range, r, "projects", rows));
  }

  private void project(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range range = range(ctx, r);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", ctx.pathParam("project"));
    putTotals(m, r.totals(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("artifact")), range));
    ctx.json(envelope(range, r, "totals", m));
  }

  private void artifacts(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range range = range(ctx, r);
    int offset = intParam(ctx, "offset", 0);
    int limit = intParam(ctx, "limit", 50);
    var page = r.topArtifacts(ctx.pathParam("project"), range, ctx.queryParam("q"), offset, limit);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (var a : page.items()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("artifact", a.artifact());
      m.put("type", a.type());
      putTotals(m, a.totals());
      rows.add(m);
    }
    if (csv(ctx)) {
      Csv.write(ctx, "artifacts.csv", List.of("artifact", "type", "downloads", "bytes", "unique", "suppressed", "unique_window", "unique_start"), rows);
      return;
    }
    Map<String, Object> body = envelope(range, r, "artifacts", rows);
    body.put("total", page.total());
    body.put("offset", page.offset());
    body.put("limit", page.limit());
    ctx.json(body);
  }

  private void series(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range range = range(ctx, r);
    Interval interval = parseEnum(Interval.class, ctx.queryParam("interval"), Interval.DAY, "interval");
    List<Point> points = r.series(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("artifact")), interval, range);
    writePoints(ctx, r, range, points);
  }

  private void mirrorSeries(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range range = range(ctx, r);
    Interval interval = parseEnum(Interval.class, ctx.queryParam("interval"), Interval.DAY, "interval");
    if (interval == Interval.HOUR) {
      throw new IllegalArgumentException("mirror series support interval day, week or month");
    }
    writePoints(ctx, r, range, r.mirrorSeries(ctx.pathParam("mirror"), interval, range));
  }

  private static void writePoints(Context ctx, StatsReader r, Range range, List<Point> points) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Point p : points) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("period", p.period());
      putTotals(m, p.totals());
      rows.add(m);
    }
    if (csv(ctx)) {
      Csv.write(ctx, "series.csv", List.of("period", "downloads", "bytes", "unique", "suppressed", "unique_window", "unique_start"), rows);
      return;
    }
    ctx.json(envelope(range, r, "series", rows));
  }

  private void breakdown(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range range = range(ctx, r);
    By by = parseEnum(By.class, ctx.queryParam("by"), By.TYPE, "by");
    List<Slice> slices = r.breakdown(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("artifact")), by, range);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Slice s : slices) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", s.key());
      putTotals(m, s.totals());
      rows.add(m);
    }
    if (csv(ctx)) {
      Csv.write(ctx, "breakdown.csv", List.of("key", "downloads", "bytes", "unique", "suppressed", "unique_window", "unique_start"), rows);
      return;
    }
    Map<String, Object> body = envelope(range, r, "breakdown", rows);
    body.put("by", by.name().toLowerCase(java.util.Locale.ROOT));
    ctx.json(body);
  }

  private void countme(Context ctx) throws SQLException {
    StatsReader r = store.reader();
    Range range = range(ctx, r);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StatsReader.Countme cm : r.countme(ctx.pathParam("project"), range)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("week", cm.week());
      m.put("age_bucket", cm.ageBucket());
      m.put("label", cm.label());
      m.put("systems", cm.systems());
      m.put("suppressed", cm.systems() == null);
      rows.add(m);
    }
    if (csv(ctx)) {
      Csv.write(ctx, "countme.csv", List.of("week", "age_bucket", "label", "systems", "suppressed"), rows);
      return;
    }
    ctx.json(envelope(range, r, "countme", rows));
  }

  private void mirrors(Context ctx) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Mirror m : store.mirrors()) {
      rows.add(mirrorJson(m));
    }
    ctx.json(Map.of("mirrors", rows));
  }

  /** The freshness board (SPEC §11.20) for scripts and redirectors. */
  private void freshness(Context ctx) throws SQLException {
    int hours = intParam(ctx, "stale_after_hours", (int) FreshnessBoard.DEFAULT_STALE_AFTER.toHours());
    if (hours < 1) {
      throw new IllegalArgumentException("stale_after_hours must be 1 or more");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FreshnessBoard.Entry e : store.freshness().entries(Instant.now(), java.time.Duration.ofHours(hours))) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("mirror", e.mirror());
      r.put("repository", e.repository());
      r.put("sequence", e.sequence());
      r.put("snapshot_created", Instant.ofEpochSecond(e.snapshotUnix()).toString());
      r.put("age_seconds", e.ageSeconds());
      r.put("reported", Instant.ofEpochSecond(e.reportedUnix()).toString());
      r.put("newest_sequence", e.newestSequence());
      r.put("behind", e.behind());
      r.put("stale", e.stale());
      r.put("why", e.why());
      rows.add(r);
    }
    ctx.json(Map.of("stale_after_hours", hours, "mirrors", rows));
  }

  static Map<String, Object> mirrorJson(Mirror m) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", m.name());
    r.put("project", m.project().orElse(null));
    r.put("key_id", m.publicKey().keyId().hex());
    r.put("enrolled", Instant.ofEpochSecond(m.enrolledUnix()).toString());
    r.put("revoked", m.revokedUnix().map(t -> Instant.ofEpochSecond(t).toString()).orElse(null));
    r.put("last_batch", m.lastBatchUnix() == 0 ? null : Instant.ofEpochSecond(m.lastBatchUnix()).toString());
    r.put("batches", m.batches());
    return r;
  }

  static Map<String, Object> envelope(Range range, StatsReader r, String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", range.from().toString());
    m.put("to", range.to().toString());
    m.put("privacy_threshold", r.privacyThreshold());
    m.put(key, value);
    return m;
  }

  /**
   * The figures of a cell. {@code unique} stays for existing clients; {@code uniques} says which
   * windows it sums and that mirrors are summed (docs/collector.md, "Unique downloaders"); CSV
   * has it as the columns {@code unique_window} and {@code unique_start}.
   */
  static void putTotals(Map<String, Object> m, Totals t) {
    m.put("downloads", t.downloads());
    m.put("bytes", t.bytes());
    m.put("unique", t.unique());
    m.put("suppressed", t.suppressed());
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("window", t.window().window());
    u.put("start", t.window().start());
    u.put("windows", t.window().windows());
    u.put("across_mirrors", "sum");
    u.put("unique_downloaders", t.unique());
    m.put("uniques", u);
  }

  /**
   * The days a request asks for: {@code from}/{@code to} (ISO dates, {@code to} exclusive), or
   * {@code period=day|week|month} for the latest days with data, or by default all data.
   */
  static Range range(Context ctx, StatsReader r) throws SQLException {
    return Ranges.parse(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("period"), r);
  }

  static boolean csv(Context ctx) {
    return "csv".equalsIgnoreCase(ctx.queryParam("format"));
  }

  static int intParam(Context ctx, String name, int dflt) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number");
    }
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, String v, E dflt, String name) {
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Enum.valueOf(type, v.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown " + name + " '" + v + "'");
    }
  }

  /** A one-line error: JSON for the API, a small page for the website. */
  static void error(Context ctx, int status, String message) {
    String m = message == null ? "error" : message;
    if (ctx.path().startsWith("/api/")) {
      ctx.status(status).json(Map.of("error", m));
    } else {
      Pages.error(ctx, status, m);
    }
  }
}
