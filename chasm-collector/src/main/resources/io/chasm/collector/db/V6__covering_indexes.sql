-- Collector schema, version 6: the pages' biggest reads answered from an index alone
-- (docs/benchmarks.md, "w4-B2"). A project's top artifacts over some windows (project page, CSV
-- export, the home page's top ten of the week) read every roll_artifact row of those windows by
-- primary key, and at 1,000 mirrors x 365 days each of those rows sat on its own heap page (the
-- rows of one window are inserted day after day among all the others): 60,000 rows from 64,000
-- pages. These indexes carry the figures those reads need, so PostgreSQL answers them with an
-- index-only scan of a few hundred pages (the visibility map, which autovacuum keeps, says the
-- heap need not be visited). The breakdown by mirror reads only the "all types, all protocols"
-- rows of roll_mirror, hence a partial index.
--
-- PostgreSQL only (INCLUDE needs 11+). SQLite, the embedded default for small collectors, gets
-- nothing: without statistics its planner reads the top artifacts through roll_artifact_artifact
-- (rows already grouped by artifact, no sort) and would leave such an index unused, a cost on
-- every roll and no gain.
{{postgresql}}CREATE INDEX roll_artifact_cover ON roll_artifact (kind, project, period_start)
{{postgresql}}  INCLUDE (artifact, type, downloads, bytes, uniq);
{{postgresql}}CREATE INDEX roll_mirror_cover ON roll_mirror (kind, project, period_start)
{{postgresql}}  INCLUDE (mirror_id, downloads, bytes, uniq) WHERE type = '' AND protocol = '';
