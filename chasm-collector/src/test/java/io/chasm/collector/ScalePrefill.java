package io.chasm.collector;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Brings a PostgreSQL collector database to the size of {@code days} days of every enrolled mirror's
 * daily batches (bench/collector-scale.sh --prefill-days) in minutes, by writing in SQL the rows
 * that ingesting them through HTTP would leave in the tables the pages and API read: the rollups
 * (roll_artifact, roll_mirror, roll_project), the artifact catalogue and one batches row per
 * mirror and day. Same catalogue, names and key shapes as {@link CollectorScaleRun}'s batches;
 * counters and uniques are random. Not written: the raw per-mirror rows ({@code stats}), read only
 * by one artifact's breakdown by mirror and by hourly views, so ingestion measured after a prefill
 * inserts into a smaller stats table than a year of real ingestion would leave.
 */
final class ScalePrefill {
  private ScalePrefill() {}

  static void run(String jdbc, LocalDate first, int days) throws Exception {
    long from = first.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    long to = first.plusDays(days).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    // A real sketch (the HTTP days' batches merge into the week and month rows they share).
    org.apache.datasketches.hll.HllSketch sketch = new org.apache.datasketches.hll.HllSketch(12);
    for (int i = 0; i < 40; i++) {
      sketch.update("prefill-" + i);
    }
    String sketchHex = java.util.HexFormat.of().formatHex(sketch.toCompactByteArray());
    String[] sql = {
        "SET TIME ZONE 'UTC'",
        "SELECT setseed(0.15)",
        // The catalogue of CollectorScaleRun: project, path and type from the artifact's number.
        "CREATE TEMP TABLE cat AS SELECT a, (ARRAY['debian','fedora','ubuntu','archlinux'])[a % 4 + 1] AS project,"
            + " CASE WHEN a % 97 = 0 THEN 'iso' ELSE (ARRAY['deb','rpm','deb','other'])[a % 4 + 1] END AS type"
            + " FROM generate_series(0, " + (CollectorScaleRun.CATALOGUE - 1) + ") a",
        "ALTER TABLE cat ADD COLUMN artifact TEXT",
        "UPDATE cat SET artifact = '/' || project || '/pool/pkg' || a || '.' || type",
        "INSERT INTO artifacts (project, artifact) SELECT project, artifact FROM cat ON CONFLICT DO NOTHING",
        // Each day ~10 of 1,000 mirrors pick an artifact: every artifact has an http row, most an rsync row.
        "INSERT INTO roll_artifact (kind, period_start, project, artifact, type, protocol, downloads, bytes,"
            + " bot_requests, uniq) SELECT 2, d, c.project, c.artifact, c.type, p, n, n * (1000 + c.a), 0, 1 + n / 4"
            + " FROM generate_series(" + from + ", " + (to - 86400) + ", 86400) d CROSS JOIN cat c"
            + " CROSS JOIN (VALUES ('http'), ('rsync')) v(p)"
            + " CROSS JOIN LATERAL (SELECT (1 + random() * 300)::bigint AS n) r WHERE p = 'http' OR random() < 0.86",
        "INSERT INTO roll_artifact (kind, period_start, project, artifact, type, protocol, downloads, bytes,"
            + " bot_requests, uniq) SELECT 3, EXTRACT(EPOCH FROM date_trunc('week', to_timestamp(period_start)))::bigint w,"
            + " project, artifact, type, protocol, SUM(downloads), SUM(bytes), 0, SUM(uniq) * 2 / 3 FROM roll_artifact"
            + " WHERE kind = 2 GROUP BY w, project, artifact, type, protocol",
        "INSERT INTO roll_artifact (kind, period_start, project, artifact, type, protocol, downloads, bytes,"
            + " bot_requests, uniq) SELECT 4, EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(period_start)))::bigint m,"
            + " project, artifact, type, protocol, SUM(downloads), SUM(bytes), 0, SUM(uniq) / 2 FROM roll_artifact"
            + " WHERE kind = 2 GROUP BY m, project, artifact, type, protocol",
        // Per mirror, window and project: its type, each protocol, and all ('' marks "all").
        "CREATE TEMP TABLE mkeys AS SELECT DISTINCT project, type, '' AS protocol FROM cat WHERE type <> 'iso'"
            + " UNION ALL SELECT DISTINCT project, '', p FROM cat, (VALUES ('http'), ('rsync')) v(p)"
            + " UNION ALL SELECT DISTINCT project, '', '' FROM cat",
        "CREATE TEMP TABLE windows AS SELECT 2 AS kind, d AS s FROM generate_series(" + from + ", " + (to - 86400)
            + ", 86400) d UNION SELECT 3, EXTRACT(EPOCH FROM date_trunc('week', to_timestamp(d)))::bigint"
            + " FROM generate_series(" + from + ", " + (to - 86400) + ", 86400) d"
            + " UNION SELECT 4, EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(d)))::bigint"
            + " FROM generate_series(" + from + ", " + (to - 86400) + ", 86400) d",
        "INSERT INTO roll_mirror (kind, period_start, project, type, protocol, mirror_id, downloads, bytes,"
            + " bot_requests, sketch, uniq) SELECT w.kind, w.s, k.project, k.type, k.protocol, m.id, n * (w.kind * 3 - 5),"
            + " n * 40000, 0, decode('" + sketchHex + "', 'hex'), 1 + n / 3 FROM windows w CROSS JOIN mkeys k"
            + " CROSS JOIN mirrors m CROSS JOIN LATERAL (SELECT (100 + random() * 500)::bigint AS n) r",
        "INSERT INTO roll_project (kind, project, period_start, type, protocol, shard, downloads, bytes, bot_requests,"
            + " uniq) SELECT kind, project, period_start, type, protocol, mirror_id % " + io.chasm.collector.internal
            .RollupWriter.SHARDS + ", SUM(downloads), SUM(bytes), 0, SUM(uniq) FROM roll_mirror"
            + " GROUP BY kind, project, period_start, type, protocol, mirror_id % " + io.chasm.collector.internal
            .RollupWriter.SHARDS,
        "INSERT INTO batches (batch_id, mirror_id, content_sha256, received_unix, row_count, downloads, bytes,"
            + " lines_total, lines_rejected) SELECT md5('prefill-' || m.id || '-' || d), m.id, md5('c' || m.id || d),"
            + " d, 300, 3000, 3000000, 0, 0 FROM mirrors m CROSS JOIN generate_series(" + from + ", " + (to - 86400)
            + ", 86400) d",
        "UPDATE mirrors SET batches = batches + " + days,
    };
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE");
    }
  }
}
