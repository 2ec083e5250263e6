-- Collector schema, version 3. The artifact catalogue keeps only which artifacts exist: its
-- first_day and last_day were read by nothing, yet keeping last_day current made every batch of
-- a day update (and row-lock until commit) the rows of its 100 artifacts, which every other
-- mirror's batch of that day wanted too: the most contended statement of ingestion at scale.
-- Insert-only rows (ON CONFLICT DO NOTHING) lock nothing that exists.
ALTER TABLE artifacts DROP COLUMN first_day;
ALTER TABLE artifacts DROP COLUMN last_day;
-- Schema 2's backfill left the catalogue to this version: every artifact with a DAY row.
INSERT INTO artifacts (project, artifact) SELECT DISTINCT project, artifact FROM roll_artifact
  WHERE kind = 2 ON CONFLICT DO NOTHING;
