package io.chasm.collector;

import io.chasm.collector.internal.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which snapshot each mirror serves, from the reports in its batches (SPEC §11.19), and who is
 * stale (§11.20): behind the newest sequence any mirror reported for the repository, or serving
 * a snapshot older than a threshold.
 */
public final class FreshnessBoard {
  /** The reference threshold: a snapshot a day old is stale. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(24);

  /**
   * One mirror's report for one repository. {@code behind} is how many sequences it trails the
   * newest report; {@code stale} is true when it trails or its snapshot is older than the
   * threshold, and {@code why} says which in words (empty when fresh).
   */
  public record Entry(String mirror, String repository, long sequence, long snapshotUnix, long reportedUnix,
      long lastBatchUnix, long newestSequence, long behind, long ageSeconds, boolean stale, String why) {}

  private final Database db;

  public FreshnessBoard(Database db) {
    this.db = db;
  }

  /** Every report, by repository then mirror, judged at {@code now} against {@code staleAfter}. */
  public List<Entry> entries(Instant now, Duration staleAfter) throws SQLException {
    List<Object[]> rows = db.read(c -> {
      List<Object[]> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT m.name, s.repository, s.sequence, s.created_unix,"
          + " s.reported_unix, m.last_batch_unix FROM mirror_snapshots s JOIN mirrors m ON m.id = s.mirror_id"
          + " WHERE m.revoked_unix IS NULL ORDER BY s.repository, m.name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)});
        }
      }
      return out;
    });
    Map<String, Long> newest = new HashMap<>();
    for (Object[] r : rows) {
      newest.merge((String) r[1], (Long) r[2], Math::max);
    }
    List<Entry> out = new ArrayList<>();
    for (Object[] r : rows) {
      String repository = (String) r[1];
      long seq = (Long) r[2];
      long created = (Long) r[3];
      long top = newest.get(repository);
      long age = now.getEpochSecond() - created;
      boolean old = age > staleAfter.toSeconds();
      String why = seq < top
          ? "behind by " + (top - seq) + (old ? ", snapshot older than " + staleAfter.toHours() + " h" : "")
          : old ? "snapshot older than " + staleAfter.toHours() + " h" : "";
      out.add(new Entry((String) r[0], repository, seq, created, (Long) r[4], (Long) r[5], top, top - seq, age,
          !why.isEmpty(), why));
    }
    return out;
  }
}
