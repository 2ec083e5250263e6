-- Collector schema, version 5: a submission is one small row when it is acknowledged, folded into
-- stats and the rollups later, many batches at a time (docs/collector.md, "At scale").
-- pending_rolls holds each new batch's verified StatsBatch bytes from the transaction that claims
-- its batch id (GroupCommitter) until the transaction that folds it (Roller) deletes it: a row
-- here is a batch counted in batches but not yet in the rollups.
CREATE TABLE pending_rolls (
  seq BIGINT PRIMARY KEY,
  mirror_id BIGINT NOT NULL,
  payload {{blob}} NOT NULL
);

-- One row: each roll updates it first, so two collector processes on one database fold one after
-- the other (its row lock), and it says when the rollups were last brought up to date.
CREATE TABLE roll_state (
  id INTEGER PRIMARY KEY,
  rolls BIGINT NOT NULL,
  folded_batches BIGINT NOT NULL,
  last_roll_unix BIGINT NOT NULL
);
INSERT INTO roll_state (id, rolls, folded_batches, last_roll_unix) VALUES (1, 0, 0, 0);
