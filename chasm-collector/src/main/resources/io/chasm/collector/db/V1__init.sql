-- Collector schema, version 1. One script for both databases: {{id}} and {{blob}} are replaced
-- by the dialect's auto-increment key and byte-string types (see Dialect).
CREATE TABLE mirrors (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  key_id TEXT NOT NULL UNIQUE,
  public_key TEXT NOT NULL,
  project TEXT,
  enrolled_unix BIGINT NOT NULL,
  revoked_unix BIGINT,
  last_batch_unix BIGINT,
  batches BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE batches (
  batch_id TEXT PRIMARY KEY,
  mirror_id BIGINT NOT NULL REFERENCES mirrors (id),
  content_sha256 TEXT NOT NULL,
  received_unix BIGINT NOT NULL,
  row_count INTEGER NOT NULL,
  downloads BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  lines_total BIGINT NOT NULL,
  lines_rejected BIGINT NOT NULL
);
CREATE INDEX batches_mirror ON batches (mirror_id, received_unix);

CREATE TABLE stats (
  granularity SMALLINT NOT NULL,
  project TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  artifact TEXT NOT NULL,
  type TEXT NOT NULL,
  protocol TEXT NOT NULL,
  mirror_id BIGINT NOT NULL REFERENCES mirrors (id),
  downloads BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  bot_requests BIGINT NOT NULL,
  sketch {{blob}},
  PRIMARY KEY (granularity, project, period_start, artifact, type, protocol, mirror_id)
);
CREATE INDEX stats_artifact ON stats (project, artifact, granularity, period_start);
CREATE INDEX stats_mirror ON stats (mirror_id, granularity, period_start);

CREATE TABLE countme (
  project TEXT NOT NULL,
  week_start BIGINT NOT NULL,
  age_bucket INTEGER NOT NULL,
  label TEXT NOT NULL,
  mirror_id BIGINT NOT NULL REFERENCES mirrors (id),
  systems BIGINT NOT NULL,
  PRIMARY KEY (project, week_start, age_bucket, label, mirror_id)
);

CREATE TABLE alerts (
  id {{id}},
  created_unix BIGINT NOT NULL,
  mirror_id BIGINT,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
