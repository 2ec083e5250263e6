-- Collector schema, version 3: less work per batch at scale (docs/collector.md, "At scale").
--
-- The artifact catalogue keeps only which artifacts exist: its first_day and last_day were read
-- by nothing, yet keeping last_day current made every batch of a day update (and row-lock until
-- commit) the rows of its 100 artifacts, which every other mirror's batch of that day wanted too:
-- the most contended statement of ingestion (bench/collector-scale.sh --profile). Insert-only
-- rows (ON CONFLICT DO NOTHING) lock nothing that exists.
ALTER TABLE artifacts DROP COLUMN first_day;
ALTER TABLE artifacts DROP COLUMN last_day;
-- Schema 2's backfill left the catalogue to this version: every artifact with a DAY row.
INSERT INTO artifacts (project, artifact) SELECT DISTINCT project, artifact FROM roll_artifact
  WHERE kind = 2 ON CONFLICT DO NOTHING;
-- No read uses stats by mirror any more (pages read roll_mirror; a batch's own rows are found by
-- primary key), and every batch paid for 300 entries in it on the largest table.
DROP INDEX IF EXISTS stats_mirror;
