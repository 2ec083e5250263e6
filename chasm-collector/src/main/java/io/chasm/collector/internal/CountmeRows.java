package io.chasm.collector.internal;

import io.chasm.wire.proto.stats.CountmeRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The {@code countme} table: the systems a mirror's batches count per week, age bucket and label, added up. */
final class CountmeRows {
  private CountmeRows() {}

  static void add(Connection c, CountmeRow cm, long mirrorId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO countme (project, week_start, age_bucket, label, mirror_id, systems) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (project, week_start, age_bucket, label, mirror_id)"
            + " DO UPDATE SET systems = countme.systems + excluded.systems")) {
      ps.setString(1, cm.getProject());
      ps.setLong(2, cm.getWeekStart());
      ps.setInt(3, cm.getAgeBucket());
      ps.setString(4, cm.getLabel());
      ps.setLong(5, mirrorId);
      ps.setLong(6, cm.getSystems());
      ps.executeUpdate();
    }
  }
}
