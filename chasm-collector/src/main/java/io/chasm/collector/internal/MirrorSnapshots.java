package io.chasm.collector.internal;

import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.model.BatchRejectedException.Reason;
import java.sql.Connection;
import io.chasm.wire.proto.stats.MirrorSnapshot;
import io.chasm.wire.proto.stats.StatsBatch;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The snapshot a mirror reports with its batches (SPEC §11.19): checked with the rest of the
 * batch, then kept per mirror and repository, the highest sequence winning (§11.20).
 */
public final class MirrorSnapshots {
  /** The origin name's limit (SPEC §5.3). */
  static final int MAX_REPOSITORY_BYTES = 255;

  private MirrorSnapshots() {}

  /** Refuses (400) a report outside §11.19's ranges; a batch without one passes. */
  static void check(StatsBatch b) throws BatchRejectedException {
    if (!b.hasMirrorSnapshot()) {
      return;
    }
    MirrorSnapshot s = b.getMirrorSnapshot();
    int len = s.getRepositoryBytes().size();
    if (len == 0 || len > MAX_REPOSITORY_BYTES) {
      throw malformed("mirror_snapshot repository must be 1.." + MAX_REPOSITORY_BYTES + " bytes of UTF-8");
    }
    if (!s.getRepositoryBytes().isValidUtf8()) {
      throw malformed("mirror_snapshot repository is not valid UTF-8");
    }
    for (byte c : s.getRepository().getBytes(StandardCharsets.UTF_8)) {
      if ((c >= 0 && c < 0x20) || c == 0x7F) {
        throw malformed("mirror_snapshot repository contains a control character");
      }
    }
    // uint64 in Java's long: 2^63 and above read as negative.
    if (s.getSequence() < 1) {
      throw malformed("mirror_snapshot sequence must be 1..2^63-1, got " + Long.toUnsignedString(s.getSequence()));
    }
    if (s.getCreatedUnix() < 0) {
      throw malformed("mirror_snapshot created_unix must not be negative");
    }
  }

  /**
   * Keeps the batch's report unless the mirror already reported a higher sequence, in the caller's
   * transaction.
   */
  static void record(Connection c, long mirrorId, StatsBatch b, long nowUnix) throws SQLException {
    if (!b.hasMirrorSnapshot()) {
      return;
    }
    MirrorSnapshot s = b.getMirrorSnapshot();
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO mirror_snapshots (mirror_id, repository, sequence, created_unix, reported_unix)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (mirror_id, repository) DO UPDATE SET sequence = excluded.sequence,"
            + " created_unix = excluded.created_unix, reported_unix = excluded.reported_unix"
            + " WHERE excluded.sequence >= mirror_snapshots.sequence")) {
      ps.setLong(1, mirrorId);
      ps.setString(2, s.getRepository());
      ps.setLong(3, s.getSequence());
      ps.setLong(4, s.getCreatedUnix());
      ps.setLong(5, nowUnix);
      ps.executeUpdate();
    }
  }

  private static BatchRejectedException malformed(String m) {
    return new BatchRejectedException(Reason.MALFORMED, m);
  }
}
