-- Collector schema, version 4: the snapshot each mirror last reported, per repository (SPEC
-- §11.19, §11.20), for the freshness board: the highest sequence seen and when it came.
CREATE TABLE IF NOT EXISTS mirror_snapshots (
  mirror_id BIGINT NOT NULL REFERENCES mirrors (id),
  repository TEXT NOT NULL,
  sequence BIGINT NOT NULL,
  created_unix BIGINT NOT NULL,
  reported_unix BIGINT NOT NULL,
  PRIMARY KEY (mirror_id, repository)
);
