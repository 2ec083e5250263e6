package io.chasm.collector.internal.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: plain SQL scripts under {@code io/chasm/collector/db/}, listed in
 * order in {@code migrations.txt} ({@code V<n>__<name>}), written once for both databases with the
 * few type names that differ as placeholders ({@link Dialect#render}). Each script runs in its own
 * transaction together with the row that records it, so a crash leaves either the old or the new
 * version, never half of one.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final String BASE = "/io/chasm/collector/db/";

  private Migrations() {}

  /** Names of all known migrations, oldest first. */
  public static List<String> known() {
    List<String> names = new ArrayList<>();
    for (String line : resource(BASE + "migrations.txt").split("\n")) {
      if (!line.isBlank()) {
        names.add(line.strip());
      }
    }
    return names;
  }

  /** The schema version this code writes: the number of the newest known migration. */
  public static int latestVersion() {
    List<String> k = known();
    return versionOf(k.get(k.size() - 1));
  }

  /**
   * Brings the schema to the newest version; {@code javaSteps} holds, per version, work that SQL
   * alone cannot do (filling a new table from sketches), run after that version's script in its
   * transaction.
   */
  static void migrate(Database db, Map<Integer, SqlWork<?>> javaSteps) throws SQLException {
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    + " applied_unix BIGINT NOT NULL)");
          }
          return null;
        });
    int current = currentVersion(db);
    if (current > latestVersion()) {
      throw new SQLException(
          "database schema version " + current + " is newer than this collector knows (" + latestVersion()
              + "); upgrade the collector");
    }
    for (String name : known()) {
      int v = versionOf(name);
      if (v <= current) {
        continue;
      }
      String sql = db.dialect().render(resource(BASE + name + ".sql"));
      db.inTransaction(
          c -> {
            if (db.dialect() == Dialect.POSTGRESQL) {
              // Two collectors starting at once: the second waits here, then sees the row below.
              try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
              }
            }
            if (isApplied(c, v)) {
              return null;
            }
            try (Statement s = c.createStatement()) {
              for (String stmt : statements(sql)) {
                s.execute(stmt);
              }
            }
            SqlWork<?> step = javaSteps.get(v);
            if (step != null) {
              step.run(c);
            }
            try (var ps = c.prepareStatement("INSERT INTO schema_migrations (version, name, applied_unix) VALUES (?, ?, ?)")) {
              ps.setInt(1, v);
              ps.setString(2, name);
              ps.setLong(3, System.currentTimeMillis() / 1000);
              ps.executeUpdate();
            }
            return null;
          });
      LOG.info("applied schema migration {}", name);
    }
  }

  /** Highest applied migration version, 0 for an empty database. */
  public static int currentVersion(Database db) throws SQLException {
    return db.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }

  private static boolean isApplied(Connection c, int version) throws SQLException {
    try (var ps = c.prepareStatement("SELECT 1 FROM schema_migrations WHERE version = ?")) {
      ps.setInt(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static int versionOf(String name) {
    if (!name.startsWith("V") || name.indexOf("__") < 2) {
      throw new IllegalStateException("migration name must look like V<n>__<name>: " + name);
    }
    return Integer.parseInt(name.substring(1, name.indexOf("__")));
  }

  /** Splits a script on semicolons at line ends; our scripts hold no procedural code. */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : sql.split("\n")) {
      String t = line.strip();
      if (t.startsWith("--") || t.isEmpty()) {
        continue;
      }
      cur.append(line).append('\n');
      if (t.endsWith(";")) {
        String stmt = cur.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  private static String resource(String path) {
    try (InputStream in = Migrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + path, e);
    }
  }
}
