-- Collector schema, version 2: rollups written at ingest (see RollupWriter), so that reads cost
-- the same after years of data. kind is the window: 2 day, 3 ISO week, 4 month; uniq is a
-- unique-downloader figure for that window (in roll_artifact summed over mirrors). The rows of
-- the data already in stats are added by RollupBackfill in this same transaction.
CREATE TABLE roll_artifact (
  kind SMALLINT NOT NULL,
  period_start BIGINT NOT NULL,
  project TEXT NOT NULL,
  artifact TEXT NOT NULL,
  type TEXT NOT NULL,
  protocol TEXT NOT NULL,
  downloads BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  bot_requests BIGINT NOT NULL,
  uniq BIGINT NOT NULL,
  PRIMARY KEY (kind, project, period_start, artifact, type, protocol)
);
CREATE INDEX roll_artifact_artifact ON roll_artifact (project, artifact, kind, period_start);

CREATE TABLE roll_mirror (
  kind SMALLINT NOT NULL,
  period_start BIGINT NOT NULL,
  project TEXT NOT NULL,
  type TEXT NOT NULL,
  protocol TEXT NOT NULL,
  mirror_id BIGINT NOT NULL REFERENCES mirrors (id),
  downloads BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  bot_requests BIGINT NOT NULL,
  sketch {{blob}},
  uniq BIGINT NOT NULL,
  PRIMARY KEY (kind, period_start, project, type, protocol, mirror_id)
);
CREATE INDEX roll_mirror_mirror ON roll_mirror (mirror_id, kind, period_start);

-- roll_mirror summed over mirrors, for the views of a whole project. Every batch of a day adds to
-- the same few rows, so they are split in 8 shards (mirror id mod 8): concurrent batches of
-- different mirrors rarely wait for each other's row locks, and a read sums 8 rows instead of 1.
CREATE TABLE roll_project (
  kind SMALLINT NOT NULL,
  period_start BIGINT NOT NULL,
  project TEXT NOT NULL,
  type TEXT NOT NULL,
  protocol TEXT NOT NULL,
  shard SMALLINT NOT NULL,
  downloads BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  bot_requests BIGINT NOT NULL,
  uniq BIGINT NOT NULL,
  PRIMARY KEY (kind, project, period_start, type, protocol, shard)
);

-- The artifacts of each project and the first and last day with a DAY row, so that the number of
-- artifacts of all the data is a count of rows, not a distinct count over every window.
CREATE TABLE artifacts (
  project TEXT NOT NULL,
  artifact TEXT NOT NULL,
  first_day BIGINT NOT NULL,
  last_day BIGINT NOT NULL,
  PRIMARY KEY (project, artifact)
);
