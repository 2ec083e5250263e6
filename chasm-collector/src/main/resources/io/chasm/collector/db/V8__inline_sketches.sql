-- Collector schema, version 8 (PostgreSQL only): sketches kept inline, uncompressed (w7-C,
-- docs/benchmarks.md).
--
-- A mirror's union in roll_mirror (and a busy artifact's WEEK or MONTH sketch) is an HLL_4 image
-- of lgK 12, about 2.1 KB: just over the 2 KB past which PostgreSQL tries to compress a row's
-- values and, failing to get under 2 KB, moves them to the TOAST table. Every roll rewrites those
-- rows, so each write paid a compression attempt (HLL registers barely compress) and a TOAST row
-- with its index entry, and each probe a detoast. With the target at a page's usable size, rows
-- of up to 8160 bytes stay whole in the heap: in the storage floor (CollectorFloorRun
-- --floor-inline) the roll_mirror upsert took about 40% less time. Existing TOASTed values move
-- inline as the rolls rewrite them. SQLite stores blobs inline anyway.
{{postgresql}}ALTER TABLE roll_mirror SET (toast_tuple_target = 8160);
{{postgresql}}ALTER TABLE window_sketches SET (toast_tuple_target = 8160);
{{postgresql}}ALTER TABLE stats SET (toast_tuple_target = 8160);
