package io.chasm.collector.internal;

import io.chasm.api.trust.PublicKey;
import io.chasm.collector.model.Mirror;
import io.chasm.collector.internal.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Enrolled mirrors and alerts, as rows. */
public final class MirrorDao {
  private static final String COLUMNS =
      "id, name, public_key, project, enrolled_unix, revoked_unix, last_batch_unix, batches";

  private final Database db;

  public MirrorDao(Database db) {
    this.db = db;
  }

  /**
   * @throws IllegalArgumentException if the name or the key is enrolled already
   */
  public Mirror enrol(String name, PublicKey key, Optional<String> project) throws SQLException {
    long now = System.currentTimeMillis() / 1000;
    return db.inTransaction(
        c -> {
          if (byName(c, name).isPresent()) {
            throw new IllegalArgumentException("mirror '" + name + "' is enrolled already");
          }
          if (one(c, "key_id = ?", key.keyId().hex()).isPresent()) {
            throw new IllegalArgumentException("key " + key.keyId() + " is enrolled already");
          }
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO mirrors (name, key_id, public_key, project, enrolled_unix, batches) VALUES (?, ?, ?, ?, ?, 0)")) {
            ps.setString(1, name);
            ps.setString(2, key.keyId().hex());
            ps.setString(3, key.toText());
            ps.setString(4, project.orElse(null));
            ps.setLong(5, now);
            ps.executeUpdate();
          }
          return byName(c, name).orElseThrow();
        });
  }

  /** Revokes a mirror: its key is refused from now on; what it sent stays counted. */
  public boolean revoke(String name) throws SQLException {
    long now = System.currentTimeMillis() / 1000;
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE mirrors SET revoked_unix = ? WHERE name = ? AND revoked_unix IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
          }
        });
  }

  public List<Mirror> list() throws SQLException {
    return db.read(
        c -> {
          List<Mirror> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mirrors ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(row(rs));
            }
          }
          return out;
        });
  }

  public Optional<Mirror> byName(String name) throws SQLException {
    return db.read(c -> byName(c, name));
  }

  public Optional<Mirror> byKey(PublicKey key) throws SQLException {
    return db.read(c -> one(c, "key_id = ?", key.keyId().hex()));
  }

  /**
   * Takes the mirror's row lock until the transaction ends, without counting a batch (the
   * migration that backfills the rollups writes a mirror's own rows under it).
   */
  public static void lock(Connection c, long mirrorId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE mirrors SET batches = batches WHERE id = ?")) {
      ps.setLong(1, mirrorId);
      ps.executeUpdate();
    }
  }

  public void recordAlert(long mirrorId, String kind, String detail) throws SQLException {
    long now = System.currentTimeMillis() / 1000;
    db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO alerts (created_unix, mirror_id, kind, detail) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, now);
            ps.setLong(2, mirrorId);
            ps.setString(3, kind);
            ps.setString(4, detail);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Alert kinds recorded for a mirror, newest first. */
  public List<String> alertKinds(String mirrorName) throws SQLException {
    return db.read(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT a.kind FROM alerts a JOIN mirrors m ON m.id = a.mirror_id WHERE m.name = ? ORDER BY a.id DESC")) {
            ps.setString(1, mirrorName);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  private static Optional<Mirror> byName(Connection c, String name) throws SQLException {
    return one(c, "name = ?", name);
  }

  private static Optional<Mirror> one(Connection c, String where, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mirrors WHERE " + where)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static Mirror row(ResultSet rs) throws SQLException {
    long revoked = rs.getLong("revoked_unix");
    Optional<Long> rev = rs.wasNull() ? Optional.empty() : Optional.of(revoked);
    return new Mirror(
        rs.getLong("id"),
        rs.getString("name"),
        PublicKey.parse(rs.getString("public_key")),
        Optional.ofNullable(rs.getString("project")),
        rs.getLong("enrolled_unix"),
        rev,
        rs.getLong("last_batch_unix"),
        rs.getLong("batches"));
  }
}
