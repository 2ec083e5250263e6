-- Collector schema, version 7: less work per batch row (docs/benchmarks.md, "w5-B").
--
-- The WEEK and MONTH rows of a batch (two thirds of its rows, a sketch each and no counters, SPEC
-- §11.13) move out of stats into a table of their own, keyed for their one reader (one artifact's
-- uniques by mirror): one B-tree per row instead of stats' two, and stats, whose DAY rows every
-- batch adds, a third of the size. The roller still reads a row's stored sketch by its full key.
CREATE TABLE window_sketches (
  project TEXT NOT NULL,
  artifact TEXT NOT NULL,
  granularity SMALLINT NOT NULL,
  period_start BIGINT NOT NULL,
  type TEXT NOT NULL,
  protocol TEXT NOT NULL,
  mirror_id BIGINT NOT NULL,
  sketch {{blob}},
  PRIMARY KEY (project, artifact, granularity, period_start, type, protocol, mirror_id)
);
INSERT INTO window_sketches (project, artifact, granularity, period_start, type, protocol, mirror_id, sketch)
  SELECT project, artifact, granularity, period_start, type, protocol, mirror_id, sketch FROM stats
  WHERE granularity IN (3, 4);
DELETE FROM stats WHERE granularity IN (3, 4);
-- No foreign key on the per-row tables' mirror_id (window_sketches above has none either): on
-- PostgreSQL each row's check is a query and a share lock on the mirror's row, per written row
-- (hundreds per batch), and it guards nothing here: mirrors are revoked, never deleted, and the
-- roller writes only mirror ids it read from pending rows joined to mirrors. SQLite keeps its
-- constraints (dropping one there means rebuilding the table; its checks are cheap).
{{postgresql}}ALTER TABLE stats DROP CONSTRAINT IF EXISTS stats_mirror_id_fkey;
{{postgresql}}ALTER TABLE roll_mirror DROP CONSTRAINT IF EXISTS roll_mirror_mirror_id_fkey;
